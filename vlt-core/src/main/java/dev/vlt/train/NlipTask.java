package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.data.DataSource;
import dev.vlt.data.IndexedSource;
import dev.vlt.data.Loader;
import dev.vlt.data.ConceptVocabulary;
import dev.vlt.data.Sample;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.caption.ImageEncoding;
import dev.vlt.models.coca.Coca;
import dev.vlt.objectives.CaptionLoss;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.NoiseHarmonizedLoss;
import dev.vlt.objectives.NoiseMixture;
import dev.vlt.objectives.SoftContrastiveLoss;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Trace;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * NLIP's noise harmonization (Huang et al. 2022) on any model with the image-text similarity capability. At the start of
 * every epoch after the warmup, a fixed pass (every training pair once, in source order, in evaluation mode, batches as in
 * training) records each pair's own contrastive loss by sample id; a contrastive loss depends on the batch's negatives,
 * so the training loss is not that record. A two-component mixture fitted on it ({@link NoiseMixture}) gives each pair's
 * noise probability, which softens its contrastive target and drives the noise-adaptive regulariser
 * ({@link NoiseHarmonizedLoss}). The record, the probabilities and the task's step count are its checkpointed state, so a
 * resumed run continues with exactly the estimates it had. With {@code nlip_completion} on a CoCa, NLIP's noise completion
 * ({@link NoiseCompletion}) trains the decoder as a concept-conditioned captioner alongside and, at each estimate, rewrites
 * the captions of the pairs judged noisy; its rewrites are part of the checkpointed state.
 */
public final class NlipTask implements Task<NlipTask.NlipBatch, NlipTask.Outputs> {
  /** The file beside a saved model's weights with every pair's last recorded loss and noise probability. */
  public static final String NOISE_FILE = "nlip-noise.tsv";
  /** The file beside a saved model's weights with every rewritten caption (noise completion only). */
  public static final String REWRITES_FILE = "nlip-rewrites.tsv";

  /**
   * One micro-batch: pixels [B, 3, S, S], token ids [B, L] (a pair's rewrite in place of its caption where it has one),
   * each pair's noise probability [B] as the loss uses it (0 for a rewritten pair), and per pair whether its caption trains
   * the captioner (noise completion only; null without).
   */
  public record NlipBatch(NDArray images, NDArray tokens, long[][] hostTokens, NDArray noise, boolean[] trainsCaptioner) {}

  /**
   * One micro-batch's outputs: normalised features [B, E], exp(logit_scale), noise probabilities [B]; with noise
   * completion the captioner's logits [B, n, V] and labels [B, n] (null without).
   */
  public record Outputs(NDArray imageFeatures, NDArray textFeatures, NDArray logitScale, NDArray noise, NDArray captionLogits,
      NDArray captionLabels, Map<String, NDArray> fractions) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(StepOutput.rows(parts, Outputs::imageFeatures), StepOutput.rows(parts, Outputs::textFeatures), logitScale,
          StepOutput.rows(parts, Outputs::noise), captionLogits == null ? null : StepOutput.rows(parts, Outputs::captionLogits),
          captionLabels == null ? null : StepOutput.rows(parts, Outputs::captionLabels), fractions);
    }

    @Override
    public Map<String, NDArray> scalars() {
      Map<String, NDArray> s = new LinkedHashMap<>();
      s.put("logit_scale", logitScale);
      s.putAll(fractions);
      return s;
    }
  }

  private final ContrastiveModel model;
  private final Module module;
  private final ModelWriter writer;
  private final Loader pairs;
  private final long stepsPerEpoch;
  private final TrainConfig.Nlip options;
  private final List<String> ids;
  private final Map<String, Integer> rows = new HashMap<>();
  private final float[] loss;       // each pair's loss in the last fixed pass (NaN before the first)
  private final float[] noise;      // each pair's noise probability (0 until the first estimate)
  private final NoiseCompletion completion;  // null without noise completion
  private final List<String> captions;       // each pair's first caption, for the rewrites file
  private long step;                // optimizer steps done: the trainer's count, kept here so the task knows its epoch

  /**
   * @param source the training pairs: the same every epoch, read by index
   * @param pairs every training pair once, in source order, with the evaluation transform
   * @param tokenizer the run's tokenizer (noise completion tokenizes concepts and decodes rewrites with it)
   */
  public NlipTask(Module model, DataSource source, Loader pairs, long stepsPerEpoch, TrainConfig.Nlip options, ModelWriter writer,
      Tokenizer tokenizer) {
    if (!(model instanceof ContrastiveModel c)) {
      throw new IllegalArgumentException("nlip needs a model that embeds images and texts; " + model.getClass().getSimpleName() + " does not");
    }
    if (!(source instanceof IndexedSource indexed)) {
      throw new IllegalArgumentException("nlip estimates each pair's noise from its loss over epochs, so it needs the same pairs "
          + "every epoch; " + source.describe() + " is not one fixed set (for shapes, pass --caption-noise, 0 included, to fix one epoch)");
    }
    this.model = c;
    this.module = model;
    this.writer = writer;
    this.pairs = pairs;
    this.stepsPerEpoch = stepsPerEpoch;
    this.options = options;
    this.ids = new java.util.ArrayList<>(indexed.count());
    List<List<String>> texts = new java.util.ArrayList<>(indexed.count());
    for (int i = 0; i < indexed.count(); i++) {
      Sample sample = indexed.get(i);
      String id = sample.id();
      if (rows.putIfAbsent(id, i) != null) throw new IllegalArgumentException("nlip keys pairs by sample id, and " + id + " occurs twice in " + source.describe());
      ids.add(id);
      texts.add(sample.captions());
    }
    this.loss = new float[ids.size()];
    java.util.Arrays.fill(loss, Float.NaN);
    this.noise = new float[ids.size()];
    this.captions = texts.stream().map(t -> t.isEmpty() ? "" : t.get(0)).toList();
    if (options.completion()) {
      if (!(model instanceof Coca coca)) {
        throw new IllegalArgumentException("--noise-completion trains a concept-conditioned captioner, which needs a CoCa model "
            + "(e.g. --model coca-shapes-small); " + model.getClass().getSimpleName() + " has no caption decoder");
      }
      this.completion = new NoiseCompletion(coca, tokenizer, ConceptVocabulary.fromCaptions(texts), ids.size(), options.concepts(),
          options.rewriteThreshold());
    } else {
      this.completion = null;
    }
  }

  @Override
  public Module module() {
    return module;
  }

  @Override
  public NlipBatch collate(Batch batch, NDManager manager) {
    float[] p = new float[batch.size()];
    long[][] tokens = batch.tokens();
    boolean[] trains = completion == null ? null : new boolean[p.length];
    for (int i = 0; i < p.length; i++) {
      int r = row(batch.samples().get(i).id());
      p[i] = noise[r];
      if (completion == null) continue;
      long[] rewrite = completion.rewrite(r);
      if (rewrite != null) {
        if (tokens == batch.tokens()) tokens = tokens.clone();
        tokens[i] = rewrite;
        p[i] = 0;
      } else {
        trains[i] = noise[r] <= completion.threshold();
      }
    }
    return new NlipBatch(batch.images(), manager.create(tokens).toType(DataType.INT64, false), tokens, manager.create(p), trains);
  }

  private int row(String id) {
    Integer r = rows.get(id);
    if (r == null) throw new IllegalStateException("sample " + id + " is not among the pairs nlip scores");
    return r;
  }

  @Override
  public Outputs forward(NlipBatch batch) {
    NDManager m = batch.noise().getManager();
    Map<String, NDArray> fractions = new LinkedHashMap<>();
    fractions.put("nlip_noisy_pairs", m.create((float) noisyFraction()));
    if (completion == null) {
      ClipOutput out = model.forward(batch.images(), batch.tokens(), Trace.NONE);
      return new Outputs(out.imageFeatures(), out.textFeatures(), out.logitScale(), batch.noise(), null, null, fractions);
    }
    Coca coca = (Coca) module;
    ImageEncoding image = coca.encodeImage(batch.images(), Trace.NONE);
    NDArray imageFeatures = Ops.l2Normalize(image.latent());
    NDArray textFeatures = Ops.l2Normalize(coca.textFeatures(batch.tokens(), Trace.NONE));
    int[][] concepts = NoiseCompletion.topConcepts(imageFeatures.stopGradient(), completion.conceptFeatures(m), completion.k());
    NoiseCompletion.DecoderBatch decoder = completion.decoderBatch(m, concepts, batch.hostTokens(), batch.trainsCaptioner());
    NDArray logits = coca.captionLogits(image.tokens(), decoder.input());
    fractions.put("nlip_rewritten_pairs", m.create((float) completion.rewrittenFraction()));
    return new Outputs(imageFeatures, textFeatures, coca.logitScale().value().exp(), batch.noise(), logits, decoder.labels(), fractions);
  }

  @Override
  public LossTerms loss(Outputs o) {
    LossTerms harmonized = NoiseHarmonizedLoss.compute(o.imageFeatures(), o.textFeatures(), o.logitScale(), o.noise(), options.regWeight());
    if (o.captionLogits() == null) return harmonized;
    Map<String, NDArray> terms = new LinkedHashMap<>(harmonized.terms());
    terms.put("caption_loss", Ops.mul(CaptionLoss.compute(o.captionLogits(), o.captionLabels(), Coca.PAD_ID), options.captionWeight()));
    return new LossTerms(terms);
  }

  /** At an epoch's start after the warmup: a fixed pass records every pair's loss and the mixture re-estimates noise. */
  @Override
  public void beforeStep() {
    if (step > 0 && step % stepsPerEpoch == 0 && step / stepsPerEpoch >= options.warmupEpochs()) estimate();
  }

  @Override
  public void afterStep() {
    ContrastiveTask.clampLogitScale(model.logitScale());
    step++;
  }

  /** The fixed pass and the mixture fit: fills {@link #loss} and {@link #noise}. */
  void estimate() {
    boolean training = module.isTraining();
    module.train(false);
    try (NoGrad ignored = NoGrad.open(); NDManager m = NDManager.newBaseManager(); Loader.Run run = pairs.open(m)) {
      while (run.hasNext()) {
        try (NDScope scope = new NDScope()) {
          Batch b = run.next();
          ClipOutput out = model.forward(b.images(), m.create(b.tokens()).toType(DataType.INT64, false), Trace.NONE);
          float[] l = SoftContrastiveLoss.perPair(out.imageFeatures(), out.textFeatures(), out.logitScale())
              .toType(DataType.FLOAT32, false).toFloatArray();
          for (int i = 0; i < l.length; i++) loss[row(b.samples().get(i).id())] = l[i];
        }
      }
    } finally {
      module.train(training);
    }
    double[] x = new double[loss.length];
    int known = 0;
    for (float v : loss) if (!Float.isNaN(v)) x[known++] = v;
    double[] p = NoiseMixture.fit(java.util.Arrays.copyOf(x, known)).noiseProbability();
    for (int i = 0, k = 0; i < loss.length; i++) noise[i] = Float.isNaN(loss[i]) ? 0f : (float) p[k++];
    if (completion != null) {
      module.train(false);
      try {
        completion.rewriteNoisy(pairs, this::row, noise);
      } finally {
        module.train(training);
      }
    }
  }

  /** The fraction of pairs currently judged more likely noisy than clean. */
  double noisyFraction() {
    int n = 0;
    for (float p : noise) if (p > 0.5f) n++;
    return noise.length == 0 ? 0 : (double) n / noise.length;
  }

  /** Each pair's noise probability by sample id (all 0 before the first estimate). */
  public Map<String, Float> noiseProbabilities() {
    Map<String, Float> out = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) out.put(ids.get(i), noise[i]);
    return out;
  }

  @Override
  public Map<String, NDArray> state(NDManager manager) {
    Map<String, NDArray> s = new LinkedHashMap<>();
    s.put("nlip.loss", manager.create(loss));
    s.put("nlip.noise", manager.create(noise));
    s.put("nlip.step", manager.create(new long[] {step}));
    if (completion != null) completion.save(s, manager);
    return s;
  }

  @Override
  public void restoreState(Map<String, NDArray> state) {
    NDArray l = state.get("nlip.loss");
    NDArray p = state.get("nlip.noise");
    NDArray s = state.get("nlip.step");
    if (l == null || p == null || s == null) throw new IllegalArgumentException("the checkpoint holds no nlip state: it was not written by an nlip run");
    if (l.size() != loss.length) {
      throw new IllegalArgumentException("the checkpoint's nlip state covers " + l.size() + " pairs, the data has " + loss.length);
    }
    System.arraycopy(l.toFloatArray(), 0, loss, 0, loss.length);
    System.arraycopy(p.toFloatArray(), 0, noise, 0, noise.length);
    step = s.toLongArray()[0];
    if (completion != null) completion.restore(state);
  }

  /** The model folder, and beside its weights {@value #NOISE_FILE}: id, last recorded loss, noise probability. */
  @Override
  public void saveModel(Path dir) throws IOException {
    writer.write(dir);
    StringBuilder tsv = new StringBuilder("id\tloss\tnoise_probability\n");
    for (int i = 0; i < ids.size(); i++) {
      tsv.append(ids.get(i)).append('\t').append(Float.isNaN(loss[i]) ? "" : String.format(Locale.ROOT, "%.6f", loss[i]))
          .append('\t').append(String.format(Locale.ROOT, "%.6f", noise[i])).append('\n');
    }
    Files.writeString(dir.resolve(NOISE_FILE), tsv, StandardCharsets.UTF_8);
    if (completion == null) return;
    StringBuilder rewrites = new StringBuilder("id\tnoise_probability\tcaption\tconcepts\trewrite\n");
    for (int i = 0; i < ids.size(); i++) {
      String[] r = completion.describe(i);
      if (r[0].isEmpty() && r[1].isEmpty()) continue;
      rewrites.append(ids.get(i)).append('\t').append(String.format(Locale.ROOT, "%.6f", noise[i])).append('\t')
          .append(captions.get(i).replace('\t', ' ')).append('\t').append(r[1]).append('\t').append(r[0]).append('\n');
    }
    Files.writeString(dir.resolve(REWRITES_FILE), rewrites, StandardCharsets.UTF_8);
  }
}
