package dev.vlt.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;

/**
 * A whole training run, as written to the run's {@code config.json}. Keys are the {@code vlt train} flags in snake_case
 * (open_clip's names where it has the concept); {@link #fromJson} fills absent keys with the defaults, so the file on
 * disk is always complete and a resumed run reads exactly what the first one used.
 *
 * @param model registry architecture or model-config JSON file (ignored with {@code pretrained})
 * @param pretrained a model folder to fine-tune, or null
 * @param data "shapes"
 * @param loss "contrastive" (CLIP) or "sigmoid" (SigLIP)
 * @param trainNumSamples samples per epoch of an endless source (open_clip's --train-num-samples)
 * @param steps total optimizer steps; 0 means epochs × steps per epoch
 * @param shapesObjects the most objects in a ShapesWorld training image (1-4; default 1)
 */
public record TrainConfig(String model, String pretrained, String data, String loss, int batchSize, int accumFreq,
    long trainNumSamples, int epochs, long steps, Optim optim, boolean lockImage, boolean lockText, long seed,
    Cadence cadence, int shapesObjects) {

  /** AdamW and its schedule; gradClipNorm 0 turns clipping off. */
  public record Optim(double lr, double wd, double beta1, double beta2, double eps, long warmup, double gradClipNorm) {
    public Optim {
      if (!(lr > 0) || Double.isInfinite(lr)) throw bad("lr", "must be a positive number, got " + lr);
      if (!(wd >= 0)) throw bad("wd", "must be >= 0, got " + wd);
      if (!(gradClipNorm >= 0)) throw bad("grad_clip_norm", "must be >= 0 (0 = off), got " + gradClipNorm);
      if (warmup < 0) throw bad("warmup", "must be >= 0, got " + warmup);
    }

    public dev.vlt.train.AdamW.Hyper hyper() {
      return new AdamW.Hyper(beta1, beta2, eps);
    }
  }

  /** How often, in epochs (open_clip's units), to checkpoint and to run zero-shot; plain log lines every N steps. */
  public record Cadence(int saveFrequency, int zeroshotFrequency, int logEveryNSteps) {
    public Cadence {
      if (saveFrequency < 1) throw bad("save_frequency", "must be >= 1 epoch, got " + saveFrequency);
      if (zeroshotFrequency < 0) throw bad("zeroshot_frequency", "must be >= 0 (0 = never), got " + zeroshotFrequency);
      if (logEveryNSteps < 1) throw bad("log_every_n_steps", "must be >= 1, got " + logEveryNSteps);
    }
  }

  public TrainConfig {
    if (!loss.equals("contrastive") && !loss.equals("sigmoid")) throw bad("loss", "must be contrastive or sigmoid, got " + loss);
    if (batchSize < 1) throw bad("batch_size", "must be >= 1, got " + batchSize);
    if (accumFreq < 1) throw bad("accum_freq", "must be >= 1, got " + accumFreq);
    if (trainNumSamples < (long) batchSize * accumFreq) {
      throw bad("train_num_samples", trainNumSamples + " is less than one step's samples (batch_size × accum_freq = "
          + (long) batchSize * accumFreq + ")");
    }
    if (epochs < 1) throw bad("epochs", "must be >= 1, got " + epochs);
    if (steps < 0) throw bad("steps", "must be >= 0, got " + steps);
    if (lockImage && lockText) throw bad("lock_image", "and lock_text together leave nothing but the temperature to train");
    if (shapesObjects < 1 || shapesObjects > 4) throw bad("shapes_objects", "must be 1..4, got " + shapesObjects);
  }

  private static IllegalArgumentException bad(String field, String problem) {
    return new IllegalArgumentException("--" + field.replace('_', '-') + " " + problem);
  }

  /** Optimizer steps per epoch: the epoch's samples in whole steps (the remainder is dropped, as open_clip does). */
  public long stepsPerEpoch() {
    return trainNumSamples / ((long) batchSize * accumFreq);
  }

  public long totalSteps() {
    return steps > 0 ? steps : epochs * stepsPerEpoch();
  }

  /** The run's config from JSON; absent keys take the defaults, unknown keys are an error naming them. */
  public static TrainConfig fromJson(JsonNode node) {
    ConfigReader r = new ConfigReader(node, "config");
    String model = r.getString("model", "shapes-small");
    String pretrained = r.getString("pretrained", null);
    String data = r.getString("data", "shapes");
    String loss = r.getString("loss", "contrastive");
    int batch = r.getInt("batch_size", 64);
    int accum = r.getInt("accum_freq", 1);
    long perEpoch = r.getInt("train_num_samples", 4096);
    int epochs = r.getInt("epochs", 8);
    long steps = r.getInt("steps", 0);
    long total = steps > 0 ? steps : epochs * (perEpoch / ((long) batch * Math.max(1, accum)));
    JsonNode clip = r.getNode("grad_clip_norm");
    Optim optim = new Optim(r.getDouble("lr", 1e-3), r.getDouble("wd", 0.1), r.getDouble("beta1", 0.9),
        r.getDouble("beta2", 0.98), r.getDouble("eps", 1e-6), r.getInt("warmup", (int) Math.min(10_000, total / 10)),
        clip == null ? 1.0 : clip.asDouble());
    boolean lockImage = r.getBool("lock_image", false);
    boolean lockText = r.getBool("lock_text", false);
    long seed = r.getInt("seed", 0);
    Cadence cadence = new Cadence(r.getInt("save_frequency", 1), r.getInt("zeroshot_frequency", 1),
        r.getInt("log_every_n_steps", 50));
    // one object per image: with several, colours and places already tell a batch's captions apart and the model never
    // learns shapes (measured: shape accuracy at chance after 400 steps with 1-4 objects, 48% with one)
    int objects = r.getInt("shapes_objects", 1);
    r.finish();
    return new TrainConfig(model, pretrained, data, loss, batch, accum, perEpoch, epochs, steps, optim, lockImage, lockText,
        seed, cadence, objects);
  }

  /** Every field, defaults included, in the flat snake_case layout {@link #fromJson} reads. */
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("model", model);
    if (pretrained != null) o.put("pretrained", pretrained);
    o.put("data", data).put("shapes_objects", shapesObjects).put("loss", loss);
    o.put("batch_size", batchSize).put("accum_freq", accumFreq).put("train_num_samples", trainNumSamples);
    o.put("epochs", epochs).put("steps", steps);
    o.put("lr", optim.lr()).put("wd", optim.wd()).put("beta1", optim.beta1()).put("beta2", optim.beta2())
        .put("eps", optim.eps()).put("warmup", optim.warmup()).put("grad_clip_norm", optim.gradClipNorm());
    o.put("lock_image", lockImage).put("lock_text", lockText).put("seed", seed);
    o.put("save_frequency", cadence.saveFrequency()).put("zeroshot_frequency", cadence.zeroshotFrequency())
        .put("log_every_n_steps", cadence.logEveryNSteps());
    return o;
  }
}
