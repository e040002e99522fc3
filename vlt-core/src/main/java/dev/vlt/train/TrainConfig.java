package dev.vlt.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A whole training run, as written to the run's {@code config.json}. Keys are the {@code vlt train} flags in snake_case
 * (open_clip's names where it has the concept); {@link #fromJson} fills absent keys with the defaults, and a new run
 * writes the {@link #resolved} config, so the file on disk is complete and a resumed run reads exactly what the first
 * one used.
 *
 * @param model registry name or model-config JSON file (ignored with {@code pretrained})
 * @param pretrained a model folder to fine-tune, or null
 * @param initFrom a model folder whose tower starts the fresh model's own (a CLIP's image tower as METER's ViT), or null;
 *     what a model can take from which is its own {@code dev.vlt.models.TowerInit}
 * @param task a training task of the model's architecture ({@code vlt models}), or null for its default
 * @param tokenizer a tokenizer file or folder to train with instead of the model's own, or null
 * @param trainNumSamples samples per epoch (open_clip's --train-num-samples); 0 until resolved from the source's size
 * @param steps total optimizer steps; 0 means epochs × steps per epoch
 * @param lrMult learning-rate multipliers by parameter-name prefix (METER trains its fusion and heads 5× faster than its
 *     towers: {@code {"cross_modal": 5, "itm_score": 5}}); the longest matching prefix applies, others train at 1×
 * @param lossWeights weights of a task's named loss terms (e.g. {@code {"mlm": 0}}), each task's own default otherwise
 */
public record TrainConfig(String model, String pretrained, String initFrom, String task, String tokenizer, Data data, int batchSize,
    int accumFreq, long trainNumSamples, int epochs, long steps, Optim optim, boolean lockImage, boolean lockText, long seed,
    Cadence cadence, Coca coca, Map<String, Double> lrMult, Map<String, Double> lossWeights, Nlip nlip) {

  /**
   * Where batches come from.
   *
   * @param source what {@code --data} names: "shapes", a CSV/TSV/JSONL manifest, a class folder, WebDataset shards
   * @param val what {@code --val-data} names, or null
   * @param valNumSamples the most validation samples read per evaluation
   * @param imageKey open_clip's --csv-img-key (null: the usual names)
   * @param captionKey open_clip's --csv-caption-key (null: the usual names)
   * @param separator open_clip's --csv-separator (null: by extension)
   * @param classTemplates prompt templates that caption a class folder's images (a built-in set or a file)
   * @param shapesObjects the most objects in a ShapesWorld training image (1-4; default 1)
   * @param workers decoding threads of the loader (0: one per core)
   * @param cropScale the smallest area fraction of open_clip's RandomResizedCrop (0.9); 1 trains on the eval
   *     transform's resize and centre crop, without augmentation
   * @param captions which of a sample's captions trains: "random" (one per sample and epoch, from the seed) or "first"
   * @param captionNoise the fraction of captions swapped among samples ({@code dev.vlt.data.CaptionNoise}), or null for
   *     the source as it is; given (0 included), the training pairs are one fixed set, ShapesWorld's first epoch
   */
  public record Data(String source, String val, int valNumSamples, String imageKey, String captionKey, String separator,
      String classTemplates, int shapesObjects, int workers, double cropScale, String captions, Double captionNoise) {
    public Data {
      if (captionNoise != null && !(captionNoise >= 0 && captionNoise < 1)) throw bad("caption_noise", "must be in [0, 1), got " + captionNoise);
      if (!"random".equals(captions) && !"first".equals(captions)) throw bad("captions", "must be random or first, got '" + captions + "'");
      if (source == null || source.isBlank()) throw bad("data", "must name a data source");
      if (valNumSamples < 2) throw bad("val_num_samples", "must be at least 2, got " + valNumSamples);
      if (separator != null && separator.length() != 1) throw bad("csv_separator", "must be one character, got '" + separator + "'");
      if (shapesObjects < 1 || shapesObjects > 4) throw bad("shapes_objects", "must be 1..4, got " + shapesObjects);
      if (workers < 0) throw bad("workers", "must be >= 0 (0 = one per core), got " + workers);
      if (!(cropScale > 0 && cropScale <= 1)) throw bad("crop_scale", "must be in (0, 1], got " + cropScale);
    }

    public Character separatorChar() {
      return separator == null ? null : separator.charAt(0);
    }
  }

  /** AdamW and its schedule; gradClipNorm 0 turns clipping off; warmup −1 is 10 % of the run (at most 10,000 steps). */
  public record Optim(double lr, double wd, double beta1, double beta2, double eps, long warmup, double gradClipNorm) {
    public Optim {
      if (!(lr > 0) || Double.isInfinite(lr)) throw bad("lr", "must be a positive number, got " + lr);
      if (!(wd >= 0)) throw bad("wd", "must be >= 0, got " + wd);
      if (!(gradClipNorm >= 0)) throw bad("grad_clip_norm", "must be >= 0 (0 = off), got " + gradClipNorm);
      if (warmup < -1) throw bad("warmup", "must be >= 0, got " + warmup);
    }

    public dev.vlt.train.AdamW.Hyper hyper() {
      return new AdamW.Hyper(beta1, beta2, eps);
    }
  }

  /**
   * How often to checkpoint and to evaluate: every N epochs (open_clip's units) and, for long epochs, every N steps as
   * well (0 = only at epoch ends); plain log lines every N steps.
   */
  public record Cadence(int saveFrequency, long saveEveryNSteps, int zeroshotFrequency, int logEveryNSteps) {
    public Cadence {
      if (saveFrequency < 1) throw bad("save_frequency", "must be >= 1 epoch, got " + saveFrequency);
      if (saveEveryNSteps < 0) throw bad("save_every_n_steps", "must be >= 0 (0 = at epoch ends only), got " + saveEveryNSteps);
      if (zeroshotFrequency < 0) throw bad("zeroshot_frequency", "must be >= 0 (0 = never), got " + zeroshotFrequency);
      if (logEveryNSteps < 1) throw bad("log_every_n_steps", "must be >= 1, got " + logEveryNSteps);
    }
  }

  /**
   * NLIP's noise harmonization: plain contrastive training for {@code warmupEpochs} (the memorization effect needs a model
   * that has fitted the clean pairs first), then each epoch a fixed pass's per-pair losses give every pair's noise
   * probability; {@code regWeight} weighs the noise-adaptive regulariser. With {@code completion} (NLIP's noise completion,
   * a CoCa model) the decoder is trained as a captioner conditioned on the image's {@code concepts} best concepts, on the
   * pairs whose noise probability is at most {@code rewriteThreshold}, its loss weighed by {@code captionWeight}; at every
   * estimate it rewrites the captions of the pairs above the threshold.
   */
  public record Nlip(int warmupEpochs, double regWeight, boolean completion, int concepts, double rewriteThreshold,
      double captionWeight) {
    public Nlip {
      if (warmupEpochs < 1) throw bad("nlip_warmup_epochs", "must be >= 1 (the estimate needs a model trained on the pairs), got " + warmupEpochs);
      if (!(regWeight >= 0)) throw bad("nlip_reg_weight", "must be >= 0, got " + regWeight);
      if (concepts < 1) throw bad("nlip_concepts", "must be >= 1, got " + concepts);
      if (!(rewriteThreshold > 0 && rewriteThreshold < 1)) throw bad("nlip_rewrite_threshold", "must be in (0, 1), got " + rewriteThreshold);
      if (!(captionWeight >= 0)) throw bad("nlip_caption_weight", "must be >= 0, got " + captionWeight);
    }
  }

  /** CoCa's loss weights (open_clip's --coca-contrastive-loss-weight, --coca-caption-loss-weight) and token dropout. */
  public record Coca(double contrastiveWeight, double captionWeight, double tokenDropout) {
    public Coca {
      if (!(contrastiveWeight >= 0) || !(captionWeight >= 0)) throw bad("coca_caption_loss_weight", "and the contrastive weight must be >= 0");
      if (!(tokenDropout >= 0 && tokenDropout < 1)) throw bad("coca_token_dropout", "must be in [0, 1), got " + tokenDropout);
    }
  }

  public TrainConfig {
    lrMult = Collections.unmodifiableMap(new TreeMap<>(lrMult));
    lossWeights = Collections.unmodifiableMap(new TreeMap<>(lossWeights));
    lrMult.forEach((k, v) -> {
      if (k.isEmpty() || !(v > 0) || Double.isInfinite(v)) throw bad("lr_mult", "needs a name prefix and a positive multiplier, got " + k + "=" + v);
    });
    lossWeights.forEach((k, v) -> {
      if (k.isEmpty() || !(v >= 0) || Double.isInfinite(v)) throw bad("loss_weights", "needs a term name and a weight >= 0, got " + k + "=" + v);
    });
    if (batchSize < 1) throw bad("batch_size", "must be >= 1, got " + batchSize);
    if (accumFreq < 1) throw bad("accum_freq", "must be >= 1, got " + accumFreq);
    if (trainNumSamples != 0 && trainNumSamples < (long) batchSize * accumFreq) {
      throw bad("train_num_samples", trainNumSamples + " is less than one step's samples (batch_size × accum_freq = "
          + (long) batchSize * accumFreq + ")");
    }
    if (trainNumSamples < 0) throw bad("train_num_samples", "must be >= 0 (0 = the source's size), got " + trainNumSamples);
    if (epochs < 1) throw bad("epochs", "must be >= 1, got " + epochs);
    if (steps < 0) throw bad("steps", "must be >= 0, got " + steps);
    if (lockImage && lockText) throw bad("lock_image", "and lock_text together leave nothing but the temperature to train");
    if (task != null && Tasks.all().stream().noneMatch(e -> e.name().equals(task))) {
      throw bad("task", task + " is not a task; known: " + String.join(", ", Tasks.all().stream().map(Tasks.Entry::name).toList()));
    }
  }

  private static IllegalArgumentException bad(String field, String problem) {
    return new IllegalArgumentException("--" + field.replace('_', '-') + " " + problem);
  }

  /** Optimizer steps per epoch: the epoch's samples in whole steps (the remainder is dropped, as open_clip does). */
  public long stepsPerEpoch() {
    if (trainNumSamples == 0) throw new IllegalStateException("train_num_samples is not resolved yet");
    return Math.max(1, trainNumSamples / ((long) batchSize * accumFreq));
  }

  public long totalSteps() {
    return steps > 0 ? steps : epochs * stepsPerEpoch();
  }

  /** Linear warmup steps: the config's, or 10 % of the run (at most 10,000). */
  public long warmupSteps() {
    return optim.warmup() >= 0 ? optim.warmup() : Math.min(10_000, totalSteps() / 10);
  }

  /**
   * The config with every default that depends on the data filled in: samples per epoch from the source when not given
   * (a source of unknown size, WebDataset shards, needs --train-num-samples) and the warmup from the resulting length.
   *
   * @param sourceSize the training source's samples per epoch, or −1 when unknown
   */
  public TrainConfig resolved(long sourceSize) {
    long perEpoch = trainNumSamples;
    if (perEpoch == 0) {
      if (sourceSize < 0) {
        throw bad("train_num_samples", "is needed for " + data.source() + ", whose size is only known after reading it "
            + "(as open_clip asks for WebDataset shards)");
      }
      perEpoch = sourceSize;
    }
    if (perEpoch < (long) batchSize * accumFreq) {
      throw new IllegalArgumentException("--data " + data.source() + " has " + perEpoch + " samples, fewer than one step's "
          + (long) batchSize * accumFreq + " (batch_size × accum_freq)");
    }
    TrainConfig c = with(perEpoch, optim);
    return c.with(perEpoch, new Optim(optim.lr(), optim.wd(), optim.beta1(), optim.beta2(), optim.eps(), c.warmupSteps(),
        optim.gradClipNorm()));
  }

  /** The same run evaluated on {@code val} (a --val-data source) every --zeroshot-frequency epochs. */
  public TrainConfig withValData(String val) {
    Data d = new Data(data.source(), val, data.valNumSamples(), data.imageKey(), data.captionKey(), data.separator(),
        data.classTemplates(), data.shapesObjects(), data.workers(), data.cropScale(), data.captions(), data.captionNoise());
    return new TrainConfig(model, pretrained, initFrom, task, tokenizer, d, batchSize, accumFreq, trainNumSamples, epochs, steps, optim,
        lockImage, lockText, seed, cadence, coca, lrMult, lossWeights, nlip);
  }

  private TrainConfig with(long perEpoch, Optim o) {
    return new TrainConfig(model, pretrained, initFrom, task, tokenizer, data, batchSize, accumFreq, perEpoch, epochs, steps, o,
        lockImage, lockText, seed, cadence, coca, lrMult, lossWeights, nlip);
  }

  /** The run's config from JSON; absent keys take the defaults, unknown keys are an error naming them. */
  public static TrainConfig fromJson(JsonNode node) {
    ConfigReader r = new ConfigReader(node, "config");
    String model = r.getString("model", "shapes-small");
    String pretrained = r.getString("pretrained", null);
    String initFrom = r.getString("init_from", null);
    if (pretrained != null && initFrom != null) throw bad("init_from", "starts a fresh model; a --pretrained one already has its weights");
    String task = r.getString("task", null);
    String legacyLoss = r.getString("loss", null);  // runs written before tasks had names: "contrastive" or "sigmoid"
    if (task == null) task = legacyLoss;
    String tokenizer = r.getString("tokenizer", null);
    // one object per image: with several, colours and places already tell a batch's captions apart and the model never
    // learns shapes (measured: shape accuracy at chance after 400 steps with 1-4 objects, 48% with one)
    Data data = new Data(r.getString("data", "shapes"), r.getString("val_data", null), r.getInt("val_num_samples", 1000),
        r.getString("csv_img_key", null), r.getString("csv_caption_key", null), r.getString("csv_separator", null),
        r.getString("class_templates", "photo"), r.getInt("shapes_objects", 1), r.getInt("workers", 0),
        r.getDouble("crop_scale", 0.9), r.getString("captions", "random"),
        r.getNode("caption_noise") == null ? null : r.getDouble("caption_noise", 0));
    int batch = r.getInt("batch_size", 64);
    int accum = r.getInt("accum_freq", 1);
    JsonNode perEpochNode = r.getNode("train_num_samples");
    boolean generated = dev.vlt.data.DataSources.isGenerated(data.source());  // endless: an epoch is 4096 scenes
    long perEpoch = perEpochNode == null ? (generated ? 4096 : 0) : perEpochNode.asLong();
    int epochs = r.getInt("epochs", 8);
    long steps = r.getInt("steps", 0);
    JsonNode clip = r.getNode("grad_clip_norm");
    Optim optim = new Optim(r.getDouble("lr", 1e-3), r.getDouble("wd", 0.1), r.getDouble("beta1", 0.9),
        r.getDouble("beta2", 0.98), r.getDouble("eps", 1e-6), r.getInt("warmup", -1), clip == null ? 1.0 : clip.asDouble());
    boolean lockImage = r.getBool("lock_image", false);
    boolean lockText = r.getBool("lock_text", false);
    long seed = r.getInt("seed", 0);
    Cadence cadence = new Cadence(r.getInt("save_frequency", 1), r.getInt("save_every_n_steps", 0),
        r.getInt("zeroshot_frequency", 1), r.getInt("log_every_n_steps", 50));
    Coca coca = new Coca(r.getDouble("coca_contrastive_loss_weight", 1.0), r.getDouble("coca_caption_loss_weight", 2.0),
        r.getDouble("coca_token_dropout", 0));
    Map<String, Double> lrMult = numbers(r.getNode("lr_mult"), "lr_mult");
    Map<String, Double> lossWeights = numbers(r.getNode("loss_weights"), "loss_weights");
    Nlip nlip = new Nlip(r.getInt("nlip_warmup_epochs", 1), r.getDouble("nlip_reg_weight", 1.0),
        r.getBool("nlip_completion", false), r.getInt("nlip_concepts", 5), r.getDouble("nlip_rewrite_threshold", 0.5),
        r.getDouble("nlip_caption_weight", 1.0));
    r.finish();
    return new TrainConfig(model, pretrained, initFrom, task, tokenizer, data, batch, accum, perEpoch, epochs, steps, optim, lockImage,
        lockText, seed, cadence, coca, lrMult, lossWeights, nlip);
  }

  /** A JSON object of names to numbers ({"cross_modal": 5}), or empty when absent. */
  private static Map<String, Double> numbers(JsonNode node, String field) {
    Map<String, Double> out = new TreeMap<>();
    if (node == null) return out;
    if (!node.isObject()) throw bad(field, "must be an object of names to numbers, got " + node);
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
      if (!e.getValue().isNumber()) throw bad(field, e.getKey() + " must be a number, got " + e.getValue());
      out.put(e.getKey(), e.getValue().asDouble());
    }
    return out;
  }

  /** Every field, defaults included, in the flat snake_case layout {@link #fromJson} reads. */
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("model", model);
    if (pretrained != null) o.put("pretrained", pretrained);
    if (initFrom != null) o.put("init_from", initFrom);
    if (task != null) o.put("task", task);
    if (tokenizer != null) o.put("tokenizer", tokenizer);
    o.put("data", data.source());
    if (data.val() != null) o.put("val_data", data.val());
    o.put("val_num_samples", data.valNumSamples());
    if (data.imageKey() != null) o.put("csv_img_key", data.imageKey());
    if (data.captionKey() != null) o.put("csv_caption_key", data.captionKey());
    if (data.separator() != null) o.put("csv_separator", data.separator());
    o.put("class_templates", data.classTemplates()).put("shapes_objects", data.shapesObjects()).put("workers", data.workers())
        .put("crop_scale", data.cropScale()).put("captions", data.captions());
    if (data.captionNoise() != null) o.put("caption_noise", data.captionNoise());
    o.put("batch_size", batchSize).put("accum_freq", accumFreq).put("train_num_samples", trainNumSamples);
    o.put("epochs", epochs).put("steps", steps);
    o.put("lr", optim.lr()).put("wd", optim.wd()).put("beta1", optim.beta1()).put("beta2", optim.beta2())
        .put("eps", optim.eps()).put("warmup", optim.warmup()).put("grad_clip_norm", optim.gradClipNorm());
    o.put("lock_image", lockImage).put("lock_text", lockText).put("seed", seed);
    o.put("save_frequency", cadence.saveFrequency()).put("save_every_n_steps", cadence.saveEveryNSteps())
        .put("zeroshot_frequency", cadence.zeroshotFrequency()).put("log_every_n_steps", cadence.logEveryNSteps());
    o.put("coca_contrastive_loss_weight", coca.contrastiveWeight()).put("coca_caption_loss_weight", coca.captionWeight())
        .put("coca_token_dropout", coca.tokenDropout());
    if (!lrMult.isEmpty()) lrMult.forEach(o.putObject("lr_mult")::put);
    if (!lossWeights.isEmpty()) lossWeights.forEach(o.putObject("loss_weights")::put);
    o.put("nlip_warmup_epochs", nlip.warmupEpochs()).put("nlip_reg_weight", nlip.regWeight())
        .put("nlip_completion", nlip.completion()).put("nlip_concepts", nlip.concepts())
        .put("nlip_rewrite_threshold", nlip.rewriteThreshold()).put("nlip_caption_weight", nlip.captionWeight());
    return o;
  }
}
