package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.Batch;
import dev.vlt.data.NounPhrases;
import dev.vlt.models.grounding.PatchBoxes;
import dev.vlt.models.loupe.Loupe;
import dev.vlt.models.loupe.LoupeConfig;
import dev.vlt.models.loupe.RegionGames;
import dev.vlt.models.loupe.ShapleyInteraction;
import dev.vlt.objectives.ContrastiveLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.ShapleyInteractionLoss;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LOUPE training from image-caption pairs alone (boxes are never read): CLIP's contrastive loss on the captions, and
 * for each caption's noun phrases ({@link NounPhrases}, at most {@code phrases} per caption) the interaction game of
 * {@link Loupe}. Per phrase, {@code regions} candidate regions are played — half the region head's current best
 * (ranked as {@link PatchBoxes#scores} ranks them), half drawn at random among the rest. The neural Shapley module
 * predicts each one's interaction per member ({@link RegionGames#perMember}); where its sd exceeds {@code uncertainty_threshold}, or for an {@code audit} share
 * of the rest, the interaction is sampled instead ({@code contexts} Shapley-weighted contexts), and the sampled values
 * are the module's training targets. The candidate with the largest interaction is the phrase's pseudo-label region,
 * and the region head learns to score it highest (the score is the {@link PatchBoxes} rule: its patches' map values
 * above the map's mid-range, summed). Loss weights {@code contrastive}, {@code region}, {@code shapley} (1 each).
 */
public final class LoupeTask implements Task<LoupeTask.Inputs, LoupeTask.Outputs> {
  /**
   * @param images [B, 3, S, S]
   * @param captions [B, L] caption ids
   * @param phrases [J, L] noun-phrase ids, or null when no caption had one
   * @param phraseImage the image of each phrase, J entries
   * @param phraseSeeds a seed per phrase (from the run's seed and the sample's id), for its regions and contexts
   */
  public record Inputs(NDArray images, NDArray captions, NDArray phrases, long[] phraseImage, long[] phraseSeeds) {}

  /**
   * One micro-batch's outputs; the phrase fields are null when it had no phrase.
   *
   * @param image normalised image embeddings [B, E]
   * @param text normalised caption embeddings [B, E]
   * @param logitScale exp(logit_scale), shape []
   * @param regionScores [J, n] scores of each phrase's candidates, times the region inverse temperature
   * @param regionTarget [J] the pseudo-label candidate of each phrase
   * @param mean [J·n] the module's predicted interactions
   * @param logVariance [J·n] their log-variances
   * @param sampled [J·n] sampled interactions (0 where not sampled)
   * @param wasSampled [J·n] 1 where sampled
   */
  public record Outputs(NDArray image, NDArray text, NDArray logitScale, NDArray regionScores, NDArray regionTarget,
      NDArray mean, NDArray logVariance, NDArray sampled, NDArray wasSampled) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      List<Outputs> withPhrases = parts.stream().filter(o -> o.regionScores() != null).toList();
      boolean any = !withPhrases.isEmpty();
      return new Outputs(StepOutput.rows(parts, Outputs::image), StepOutput.rows(parts, Outputs::text), logitScale,
          any ? StepOutput.rows(withPhrases, Outputs::regionScores) : null, any ? StepOutput.rows(withPhrases, Outputs::regionTarget) : null,
          any ? StepOutput.rows(withPhrases, Outputs::mean) : null, any ? StepOutput.rows(withPhrases, Outputs::logVariance) : null,
          any ? StepOutput.rows(withPhrases, Outputs::sampled) : null, any ? StepOutput.rows(withPhrases, Outputs::wasSampled) : null);
    }

    @Override
    public Map<String, NDArray> scalars() {
      Map<String, NDArray> out = new LinkedHashMap<>();
      out.put("logit_scale", logitScale);
      if (wasSampled != null) out.put("sampled_share", wasSampled.mean());
      return out;
    }
  }

  private final Loupe model;
  private final Tokenizer tokenizer;
  private final long seed;
  private final double contrastiveWeight;
  private final double regionWeight;
  private final double shapleyWeight;
  private final ModelWriter writer;

  public LoupeTask(Loupe model, Tokenizer tokenizer, Map<String, Double> lossWeights, long seed, ModelWriter writer) {
    for (String k : lossWeights.keySet()) {
      if (!List.of("contrastive", "region", "shapley").contains(k)) {
        throw new IllegalArgumentException("--loss-weight " + k + ": LOUPE's terms are contrastive, region and shapley");
      }
    }
    this.model = model;
    this.tokenizer = tokenizer;
    this.seed = seed;
    this.contrastiveWeight = lossWeights.getOrDefault("contrastive", 1.0);
    this.regionWeight = lossWeights.getOrDefault("region", 1.0);
    this.shapleyWeight = lossWeights.getOrDefault("shapley", 1.0);
    this.writer = writer;
  }

  static LoupeTask of(Tasks.Context c) {
    return new LoupeTask(c.model().as(Loupe.class), c.textTokenizer(), c.config().lossWeights(), c.config().seed(), c.writer());
  }

  @Override
  public Module module() {
    return model;
  }

  @Override
  public Inputs collate(Batch batch, NDManager manager) {
    int max = model.config().phrases();
    List<String> texts = new ArrayList<>();
    List<Long> image = new ArrayList<>();
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      long id = SplitMix.mix(seed, batch.samples().get(i).id().hashCode());
      List<String> phrases = new ArrayList<>(NounPhrases.of(batch.captions().get(i)));
      Collections.shuffle(phrases, new java.util.Random(id));
      for (int k = 0; k < Math.min(max, phrases.size()); k++) {
        texts.add(phrases.get(k));
        image.add((long) i);
        seeds.add(SplitMix.mix(id, k));
      }
    }
    NDArray captions = manager.create(batch.tokens()).toType(DataType.INT64, false);
    NDArray phrases = texts.isEmpty() ? null : manager.create(tokenizer.tokenize(texts)).toType(DataType.INT64, false);
    return new Inputs(batch.images(), captions, phrases, image.stream().mapToLong(Long::longValue).toArray(),
        seeds.stream().mapToLong(Long::longValue).toArray());
  }

  @Override
  public Outputs forward(Inputs in) {
    Loupe.Patches p = model.patches(in.images());
    NDArray image = Ops.l2Normalize(p.image());
    NDArray text = Ops.l2Normalize(model.textFeatures(in.captions(), dev.vlt.tensor.Trace.NONE));
    NDArray scale = model.logitScale().value().exp();
    if (in.phrases() == null) return new Outputs(image, text, scale, null, null, null, null, null, null);

    NDManager m = image.getManager();
    NDArray rows = m.create(in.phraseImage());
    NDArray phrase = Ops.l2Normalize(model.textFeatures(in.phrases(), dev.vlt.tensor.Trace.NONE)).stopGradient();  // [J, E]
    NDArray tokens = p.tokens().get(rows);                                             // [J, P, W]
    NDArray projected = p.projected().stopGradient().get(rows);                        // [J, P, E]
    NDArray map = model.regionMap(tokens, projected, phrase);                          // [J, P]
    Played played = play(model, map, projected, phrase, in.phraseSeeds(), m);
    NDArray score = played.masks().matMul(map.sub(played.tau()).expandDims(2)).squeeze(2);   // [J, n]
    return new Outputs(image, text, scale, score.mul(model.regionScale().value().exp()), played.target(),
        played.prediction().get(":, :, 0").reshape(-1), played.prediction().get(":, :, 1").reshape(-1), played.sampled(),
        played.wasSampled());
  }

  /**
   * What one step played: the candidate masks [J, n, P], each map's mid-range τ [J, 1], the module's prediction
   * [J, n, 2] (with gradient), the sampled interactions and where they were sampled [J·n], and the pseudo-labels [J].
   */
  record Played(NDArray masks, NDArray tau, NDArray prediction, NDArray sampled, NDArray wasSampled, NDArray target) {}

  /** Chooses each phrase's candidate regions, asks the module, samples where it is unsure, and picks the pseudo-labels. */
  static Played play(Loupe model, NDArray map, NDArray projected, NDArray phrase, long[] seeds, NDManager m) {
    LoupeConfig cfg = model.config();
    PatchBoxes boxes = model.candidates();
    int j = (int) map.getShape().get(0), players = (int) map.getShape().get(1), e = (int) phrase.getShape().get(1);
    int n = Math.min(cfg.regions(), boxes.size());
    float[] maps = map.stopGradient().toFloatArray();
    float[] tau = new float[j];
    int[][] chosen = new int[j][];
    float[] masks = new float[j * n * players];
    for (int r = 0; r < j; r++) {
      float[] row = java.util.Arrays.copyOfRange(maps, r * players, (r + 1) * players);
      tau[r] = RegionGames.midRange(row);
      chosen[r] = RegionGames.choose(boxes, boxes.scores(row, 0.5), n, new SplittableRandom(seeds[r]));
      for (int k = 0; k < n; k++)
        for (int q = 0; q < players; q++) if (boxes.contains(chosen[r][k], q)) masks[(r * n + k) * players + q] = 1;
    }
    NDArray maskArray = m.create(masks, new Shape(j, n, players));
    NDArray prediction = model.predictInteraction(Loupe.shapleyFeatures(projected, maskArray, phrase));   // [J, n, 2]
    float[] pred = prediction.stopGradient().toFloatArray();
    float[] patches = projected.stopGradient().toFloatArray();
    float[] text = phrase.toFloatArray();
    float[] sampled = new float[j * n];
    float[] was = new float[j * n];
    long[] target = new long[j];
    for (int r = 0; r < j; r++) {
      ShapleyInteraction.CosineGame game = RegionGames.game(patches, text, r, players, e);
      SplittableRandom random = new SplittableRandom(seeds[r] ^ 0x5DEECE66DL);
      double best = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < n; k++) {
        int at = r * n + k;
        double mean = pred[2 * at], sd = Math.exp(0.5 * pred[2 * at + 1]);
        double value = mean;
        if (sd > cfg.uncertaintyThreshold() || random.nextDouble() < cfg.audit()) {
          value = RegionGames.perMember(game, boxes.mask(chosen[r][k]), cfg.contexts(), random);
          sampled[at] = (float) value;
          was[at] = 1;
        }
        if (value > best) {
          best = value;
          target[r] = k;
        }
      }
    }
    return new Played(maskArray, m.create(tau, new Shape(j, 1)), prediction, m.create(sampled), m.create(was), m.create(target));
  }

  @Override
  public LossTerms loss(Outputs o) {
    Map<String, NDArray> terms = new LinkedHashMap<>();
    NDArray contrastive = ContrastiveLoss.compute(o.image(), o.text(), o.logitScale()).total();
    terms.put("contrastive_loss", Ops.mul(contrastive, contrastiveWeight));
    if (o.regionScores() != null) {
      terms.put("region_loss", Ops.mul(ShapleyInteractionLoss.region(o.regionScores(), o.regionTarget()), regionWeight));
      terms.put("shapley_loss", Ops.mul(ShapleyInteractionLoss.shapley(o.mean(), o.logVariance(), o.sampled(), o.wasSampled()),
          shapleyWeight));
    }
    return new LossTerms(terms);
  }

  @Override
  public void afterStep() {
    ContrastiveTask.clampLogitScale(model.logitScale());
  }

  @Override
  public void saveModel(Path dir) throws IOException {
    writer.write(dir);
  }
}
