package dev.vlt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.TrainRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vlt train}: trains any architecture of the registry on any of its tasks, on any data source, into a run folder.
 * Flags carry open_clip's training-script names where it has the concept; every flag left out takes the default recorded
 * in the run's config.json.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a model (any architecture of `vlt models`, on any of its tasks) on your own data or the built-in ShapesWorld.",
        "--data: shapes (default), a CSV/TSV or JSON-lines manifest of image paths and captions, a folder of class",
        "sub-folders, or WebDataset shards ('dir/shard-{000..009}.tar').",
        "The run folder gets config.json, metrics.jsonl, checkpoints/, plots/ and, at the end, model/ (open_clip layout).",
        "Ctrl-C saves a checkpoint; --resume continues the run from its latest checkpoint with its own config, reading exactly",
        "the batches the uninterrupted run would have read."})
public final class TrainCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run folder.") Path out;
  @Option(names = "--resume", description = "Continue the run in --out from its latest checkpoint.") boolean resume;
  @Option(names = "--model", description = "Registry name (vlt models; default shapes-small) or a model-config JSON file.") String model;
  @Option(names = "--pretrained", paramLabel = "DIR", description = "Model folder to fine-tune instead of a fresh model.") Path pretrained;
  @Option(names = "--init-from", paramLabel = "DIR", description = "Model folder whose tower starts the fresh --model's own (e.g. a CLIP's image tower as METER's ViT; the model says what it can take).") Path initFrom;
  @Option(names = "--task", description = "Training task of the model's architecture (vlt models; default: its first, e.g. contrastive for CLIP, coca for CoCa).") String task;
  @Option(names = "--data", paramLabel = "SOURCE", description = "Training data: shapes (default), a .csv/.tsv/.jsonl manifest, a class folder or .tar shards.") String data;
  @Option(names = "--val-data", paramLabel = "SOURCE", description = "Held-out data of the same forms, evaluated every --zeroshot-frequency epochs (retrieval R@1/5; zero-shot where labelled).") String valData;
  @Option(names = "--val-num-samples", paramLabel = "N", description = "At most N validation samples (default 1000).") Integer valNumSamples;
  @Option(names = "--csv-img-key", paramLabel = "KEY", description = "Manifest column/field of the image path (default: image, filepath, file or path).") String csvImgKey;
  @Option(names = "--csv-caption-key", paramLabel = "KEY", description = "Manifest column/field of the caption (default: caption, captions, title or text).") String csvCaptionKey;
  @Option(names = "--csv-separator", paramLabel = "C", description = "CSV separator (default: ',' for .csv, tab for .tsv).") String csvSeparator;
  @Option(names = "--class-templates", paramLabel = "NAME|FILE", description = "Prompt templates captioning a class folder's images (photo, shapes, emoji or a file; default photo).") String classTemplates;
  @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer to train with instead of the model's (a merges file, tokenizer.json or a folder).") Path tokenizer;
  @Option(names = "--shapes-objects", paramLabel = "N", description = "At most N objects per ShapesWorld image (1-4; default 1).") Integer shapesObjects;
  @Option(names = "--workers", paramLabel = "N", description = "Image decoding threads (default: one per core).") Integer workers;
  @Option(names = "--captions", paramLabel = "random|first", description = "Which of a sample's captions trains (default random).") String captions;
  @Option(names = "--crop-scale", paramLabel = "S", description = "Smallest area fraction of the random resized crop (default 0.9, open_clip's; 1 = no augmentation).") Double cropScale;
  @Option(names = "--batch-size", description = "Batch size per micro-batch (default 64).") Integer batchSize;
  @Option(names = "--accum-freq", paramLabel = "N", description = "Micro-batches per optimizer step (default 1).") Integer accumFreq;
  @Option(names = "--train-num-samples", paramLabel = "N", description = "Samples per epoch (default: the source's size; 4096 for shapes; needed for shards).") Long trainNumSamples;
  @Option(names = "--epochs", description = "Epochs (default 8).") Integer epochs;
  @Option(names = "--steps", description = "Optimizer steps; overrides --epochs.") Integer steps;
  @Option(names = "--lr", description = "Peak learning rate (default 1e-3).") Double lr;
  @Option(names = "--wd", description = "Weight decay (default 0.1).") Double wd;
  @Option(names = "--beta1", description = "AdamW beta1 (default 0.9).") Double beta1;
  @Option(names = "--beta2", description = "AdamW beta2 (default 0.98).") Double beta2;
  @Option(names = "--eps", description = "AdamW epsilon (default 1e-6).") Double eps;
  @Option(names = "--warmup", paramLabel = "STEPS", description = "Linear warmup steps (default 10%% of the run).") Integer warmup;
  @Option(names = "--grad-clip-norm", paramLabel = "NORM", description = "Clip the global gradient norm (default 1; 0 = off).") Double gradClipNorm;
  @Option(names = "--lock-image", description = "Freeze the image tower (LiT).") Boolean lockImage;
  @Option(names = "--lock-text", description = "Freeze the text tower.") Boolean lockText;
  @Option(names = "--seed", description = "Seed of initialisation and caption choice (default 0).") Integer seed;
  @Option(names = "--save-frequency", paramLabel = "EPOCHS", description = "Checkpoint every N epochs (default 1).") Integer saveFrequency;
  @Option(names = "--save-every-n-steps", paramLabel = "N", description = "Also checkpoint every N steps, mid-epoch (default 0 = off).") Integer saveEveryNSteps;
  @Option(names = "--zeroshot-frequency", paramLabel = "EPOCHS", description = "Zero-shot evaluation every N epochs (default 1; 0 = never).") Integer zeroshotFrequency;
  @Option(names = "--log-every-n-steps", paramLabel = "N", description = "A plain progress line every N steps when not on a terminal (default 50).") Integer logEvery;
  @Option(names = "--coca-contrastive-loss-weight", paramLabel = "W", description = "CoCa: weight of the contrastive loss (default 1).") Double cocaContrastive;
  @Option(names = "--coca-caption-loss-weight", paramLabel = "W", description = "CoCa: weight of the captioning loss (default 2).") Double cocaCaption;
  @Option(names = "--coca-token-dropout", paramLabel = "P", description = "CoCa: replace this fraction of the tokens the decoder reads at random (default 0).") Double cocaTokenDropout;
  @Option(names = "--lr-mult", paramLabel = "PREFIX=M", description = "Train parameters whose name starts with PREFIX at M × --lr (repeatable; e.g. METER's cross_modal=5).") java.util.Map<String, Double> lrMult;
  @Option(names = "--loss-weight", paramLabel = "TERM=W", description = "Weight of a loss term of the task (repeatable; e.g. mlm=0 for METER).") java.util.Map<String, Double> lossWeights;
  @Option(names = "--caption-noise", paramLabel = "P", description = "Swap this fraction of the training captions among samples, chosen from the seed (the pairs become one fixed set; shapes: its first epoch).") Double captionNoise;
  @Option(names = "--nlip-warmup-epochs", paramLabel = "N", description = "NLIP: plain contrastive epochs before the first noise estimate (default 1).") Integer nlipWarmupEpochs;
  @Option(names = "--nlip-reg-weight", paramLabel = "W", description = "NLIP: weight of the noise-adaptive regulariser (default 1).") Double nlipRegWeight;
  @Option(names = "--noise-completion", description = "NLIP: also train CoCa's decoder as a captioner conditioned on each image's retrieved concepts, and rewrite the captions of pairs judged noisy (a CoCa model, e.g. coca-shapes-small).") boolean noiseCompletion;
  @Option(names = "--nlip-concepts", paramLabel = "K", description = "NLIP noise completion: concepts retrieved per image as the captioner's prefix (default 5).") Integer nlipConcepts;
  @Option(names = "--nlip-rewrite-threshold", paramLabel = "P", description = "NLIP noise completion: captions of pairs with noise probability above P are rewritten; pairs at or below train the captioner (default 0.5).") Double nlipRewriteThreshold;
  @Option(names = "--nlip-caption-weight", paramLabel = "W", description = "NLIP noise completion: weight of the captioner's loss (default 1).") Double nlipCaptionWeight;
  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    ObjectNode given = given();
    TrainRun run;
    if (resume) {
      if (given.size() > 0) {
        throw new IllegalArgumentException("--resume continues with " + out.resolve(TrainRun.CONFIG) + "; drop " + flags(given));
      }
      run = TrainRun.resume(out);
    } else {
      if (pretrained != null && model != null) throw new IllegalArgumentException("give either --model or --pretrained, not both");
      run = TrainRun.create(out, TrainConfig.fromJson(given));
    }
    TrainRun started = run;
    return GracefulStop.run(() -> {
      try (started) {
        started.resumedFrom().ifPresent(s -> System.out.printf("resuming %s at step %d%n", out, s.step()));
        return train(started);
      }
    });
  }

  /**
   * Trains to the end; Ctrl-C or SIGTERM stops it with a checkpoint ({@link TrainRun#runToEnd} throws, and
   * {@link GracefulStop} says where the checkpoint is, as for a quickstart or an experiment).
   */
  private int train(TrainRun run) throws IOException {
    TrainProgress progress = new TrainProgress(System.out, System.console() != null, run.config().cadence().logEveryNSteps());
    try {
      run.runToEnd(progress);
    } finally {
      progress.close();
    }
    summary(run);
    return 0;
  }

  private void summary(TrainRun run) {
    List<JsonNode> lines = run.metrics().read();
    JsonNode last = lines.isEmpty() ? JSON.createObjectNode() : lines.get(lines.size() - 1);
    System.out.printf(Locale.ROOT, "done: %d steps in %.1f min, final loss %.4f%n", run.trainer().step(),
        run.trainer().elapsedSeconds() / 60, last.path("loss").asDouble());
    for (String line : TrainProgress.evaluationLines(last)) System.out.println(line);
    if (run.skips().total() > 0) System.out.println(run.skips().summary());
    System.out.println("model: " + out.resolve(TrainRun.MODEL) + "  plots: " + out.resolve(TrainRun.PLOTS));
  }

  /** The training flags given on the command line, as config.json keys. */
  private ObjectNode given() {
    ObjectNode o = JSON.createObjectNode();
    if (model != null) o.put("model", model);
    if (pretrained != null) o.put("pretrained", pretrained.toString());
    if (initFrom != null) o.put("init_from", initFrom.toAbsolutePath().toString());
    if (task != null) o.put("task", task);
    if (data != null) o.put("data", data);
    if (valData != null) o.put("val_data", valData);
    if (valNumSamples != null) o.put("val_num_samples", valNumSamples);
    if (csvImgKey != null) o.put("csv_img_key", csvImgKey);
    if (csvCaptionKey != null) o.put("csv_caption_key", csvCaptionKey);
    if (csvSeparator != null) o.put("csv_separator", csvSeparator.equals("\\t") ? "\t" : csvSeparator);
    if (classTemplates != null) o.put("class_templates", classTemplates);
    if (tokenizer != null) o.put("tokenizer", tokenizer.toString());
    if (shapesObjects != null) o.put("shapes_objects", shapesObjects);
    if (workers != null) o.put("workers", workers);
    if (cropScale != null) o.put("crop_scale", cropScale);
    if (captions != null) o.put("captions", captions);
    if (batchSize != null) o.put("batch_size", batchSize);
    if (accumFreq != null) o.put("accum_freq", accumFreq);
    if (trainNumSamples != null) o.put("train_num_samples", trainNumSamples);
    if (epochs != null) o.put("epochs", epochs);
    if (steps != null) o.put("steps", steps);
    if (lr != null) o.put("lr", lr);
    if (wd != null) o.put("wd", wd);
    if (beta1 != null) o.put("beta1", beta1);
    if (beta2 != null) o.put("beta2", beta2);
    if (eps != null) o.put("eps", eps);
    if (warmup != null) o.put("warmup", warmup);
    if (gradClipNorm != null) o.put("grad_clip_norm", gradClipNorm);
    if (lockImage != null) o.put("lock_image", lockImage);
    if (lockText != null) o.put("lock_text", lockText);
    if (seed != null) o.put("seed", seed);
    if (saveFrequency != null) o.put("save_frequency", saveFrequency);
    if (saveEveryNSteps != null) o.put("save_every_n_steps", saveEveryNSteps);
    if (zeroshotFrequency != null) o.put("zeroshot_frequency", zeroshotFrequency);
    if (logEvery != null) o.put("log_every_n_steps", logEvery);
    if (cocaContrastive != null) o.put("coca_contrastive_loss_weight", cocaContrastive);
    if (cocaCaption != null) o.put("coca_caption_loss_weight", cocaCaption);
    if (cocaTokenDropout != null) o.put("coca_token_dropout", cocaTokenDropout);
    if (lrMult != null) lrMult.forEach(o.putObject("lr_mult")::put);
    if (lossWeights != null) lossWeights.forEach(o.putObject("loss_weights")::put);
    if (captionNoise != null) o.put("caption_noise", captionNoise);
    if (nlipWarmupEpochs != null) o.put("nlip_warmup_epochs", nlipWarmupEpochs);
    if (nlipRegWeight != null) o.put("nlip_reg_weight", nlipRegWeight);
    if (noiseCompletion) o.put("nlip_completion", true);
    if (nlipConcepts != null) o.put("nlip_concepts", nlipConcepts);
    if (nlipRewriteThreshold != null) o.put("nlip_rewrite_threshold", nlipRewriteThreshold);
    if (nlipCaptionWeight != null) o.put("nlip_caption_weight", nlipCaptionWeight);
    return o;
  }

  private static String flags(ObjectNode given) {
    List<String> names = new ArrayList<>();
    given.fieldNames().forEachRemaining(k -> names.add("--" + k.replace('_', '-')));
    return String.join(", ", names);
  }
}
