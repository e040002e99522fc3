package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.models.albef.ItmOutput;
import dev.vlt.models.albef.RetrievalOutput;
import dev.vlt.models.simla.Simla;
import dev.vlt.models.simla.SimlaConfig;
import dev.vlt.nn.Patches;
import dev.vlt.objectives.CrossModalReconstructionLoss;
import dev.vlt.objectives.DistilledContrastiveLoss;
import dev.vlt.objectives.HardNegatives;
import dev.vlt.objectives.ItmLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.PixelTargets;
import dev.vlt.objectives.PseudoKeywordLoss;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * SimLA's pretraining on image-caption pairs (Khan et al. 2022), each step: ALBEF's momentum-distilled contrastive loss
 * against the queue and matching on mined hard negatives (global); XMM, masked captions reconstructed by attending to the
 * image and hidden patches by attending to the caption, through the one fusion encoder (fine-grained); PSL, the keywords
 * the momentum fusion's [CLS] attends to predicted from the image's feature (conceptual). The five terms weigh 1 each, as
 * in SimLA's code. Momentum update before, queue and temperature clamp after, as {@link AlbefTask}. Captions only: boxes
 * and referring phrases in the samples are never read.
 *
 * <p>Where this differs from SimLA's code, for lack of parts or of budget: image targets are pixels (no DALL-E tokenizer),
 * hidden patches are zeroed in the normalised input (a zero patch embeds to the patch projection's bias, a fixed mask
 * token) rather than replaced inside the ViT; the MLM and XMM targets are not distilled from the momentum model, nor are
 * PSL's (SimLA mixes in the momentum keyword head's sigmoid with weight α); the image side attends to the caption's
 * unimodal text states rather than its word embeddings.
 */
public final class SimlaTask implements Task<SimlaTask.Pairs, SimlaTask.Outputs> {
  /** BERT's masking rate for the text side. */
  public static final double MASK_PROB = 0.15;

  /**
   * @param ids the captions [B, L] (trailing all-padding columns trimmed) and {@code atts} their padding mask
   * @param idx [B] a number per sample id (ALBEF: equal ids are positives); @param drawSeed the hard-negative draws' seed
   * @param masked the captions with BERT's replacements; @param mlmRows the flat positions (b·L + t) of the chosen tokens
   *     [K] and {@code mlmLabels} their true ids [K]
   * @param eligible [B, L] 1 at content tokens (PSL's keyword candidates)
   * @param patchMask [B, N] 1 at the patches hidden from XMM's image side
   */
  public record Pairs(NDArray images, NDArray ids, NDArray atts, NDArray idx, long drawSeed, NDArray masked, NDArray mlmRows,
      NDArray mlmLabels, NDArray eligible, NDArray patchMask) {}

  /**
   * @param pixels XMM's predicted pixels [B, N, P] and {@code pixelTargets} the true ones
   * @param keywordLogits PSL's prediction [B, V] and {@code keywordTargets} the multi-hot keywords
   */
  public record Outputs(RetrievalOutput retrieval, ItmOutput itm, NDArray mlmLogits, NDArray mlmLabels, NDArray pixels,
      NDArray pixelTargets, NDArray patchMask, NDArray keywordLogits, NDArray keywordTargets)
      implements UnjoinedOutput<Outputs> {}

  private final Simla model;
  private final long pad;
  private final long seed;
  private final ModelWriter writer;
  private final List<RetrievalOutput> pending = new ArrayList<>();

  /** Starts the momentum copies as exact copies of the online model, as ALBEF does (a resumed run then loads its own). */
  public SimlaTask(Simla model, Tokenizer tokenizer, long seed, ModelWriter writer) {
    SimlaConfig cfg = model.config();
    if (tokenizer.padId() != cfg.padId()) {
      throw new IllegalArgumentException("the tokenizer pads with id " + tokenizer.padId() + ", the model with " + cfg.padId());
    }
    if (tokenizer.vocabSize() > cfg.maskTokenId() && cfg.maskTokenId() == cfg.vocabSize() - 1) {
      throw new IllegalArgumentException("the tokenizer writes " + tokenizer.vocabSize() + " ids, so SimLA's [MASK] id "
          + cfg.maskTokenId() + " would collide with a real token");
    }
    this.model = model;
    this.pad = cfg.padId();
    this.seed = seed;
    this.writer = writer;
    model.resetMomentum();
  }

  @Override
  public Module module() {
    return model;
  }

  @Override
  public Pairs collate(Batch batch, NDManager manager) {
    SimlaConfig cfg = model.config();
    int b = batch.size();
    long[][] caption = SampleQuestions.trim(batch.tokens(), pad);
    int l = caption[0].length;
    int grid = cfg.albef().vision().grid();
    int n = grid * grid;
    int hidden = Math.max(1, (int) Math.round(cfg.xmmMaskRatio() * n));
    long[][] masked = new long[b][];
    long[][] eligible = new long[b][l];
    float[][] patchMask = new float[b][n];
    List<Long> rows = new ArrayList<>();
    List<Long> labels = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      SplittableRandom rng = new SplittableRandom(SplitMix.mix(seed, batch.samples().get(i).id().hashCode()));
      masked[i] = TokenMasking.mask(caption[i], pad, cfg.maskTokenId(), MASK_PROB, rng, i * (long) l, rows, labels);
      int end = TokenMasking.contentEnd(caption[i], pad);
      for (int t = 1; t < end; t++) eligible[i][t] = 1;
      int[] order = new int[n];
      for (int p = 0; p < n; p++) order[p] = p;
      for (int p = 0; p < hidden; p++) {                                    // a partial Fisher-Yates shuffle
        int q = p + rng.nextInt(n - p);
        int swap = order[p];
        order[p] = order[q];
        order[q] = swap;
        patchMask[i][order[p]] = 1f;
      }
    }
    TokenMasking.atLeastOne(caption, masked, cfg.maskTokenId(), rows, labels);
    NDArray ids = manager.create(caption);
    long[] idx = AlbefTask.sampleNumbers(batch);
    return new Pairs(batch.images(), ids, ids.neq(pad).toType(DataType.INT64, false), manager.create(idx),
        AlbefTask.drawSeed(seed, idx), manager.create(masked), manager.create(rows.stream().mapToLong(Long::longValue).toArray()),
        manager.create(labels.stream().mapToLong(Long::longValue).toArray()), manager.create(eligible), manager.create(patchMask));
  }

  @Override
  public void beforeStep() {
    pending.clear();  // a skipped (non-finite) step enqueues nothing
    model.momentumUpdate();
  }

  @Override
  public Outputs forward(Pairs in) {
    SimlaConfig cfg = model.config();
    int patch = cfg.albef().vision().patchSize();
    RetrievalOutput out = model.contrast(in.images(), in.ids(), in.atts(), in.idx());
    HardNegatives.Draws neg = HardNegatives.sample(out, HardNegatives.seeded(in.drawSeed()));
    ItmOutput itm = model.matchWithNegatives(out, neg.images(), neg.texts());
    NDArray mlmLogits = model.maskedTextLogits(in.masked(), in.atts(), out.online().image(), in.mlmRows());
    NDArray targets;
    NDArray hiddenImages;
    NDArray keywords;
    try (NoGrad ignored = NoGrad.open()) {
      targets = PixelTargets.image(in.images(), patch, false);                                   // [B, N, p·p·3]
      NDArray keep = in.patchMask().neg().add(1f).expandDims(-1);                                 // [B, N, 1]
      hiddenImages = Patches.unpatchify(targets.mul(keep), patch, 3);
      keywords = PseudoKeywordLoss.targets(model.keywordAttention(out), in.ids(), in.eligible(), cfg.pslPerHead(),
          cfg.pslKeywords(), cfg.vocabSize());
    }
    NDArray pixels = model.maskedImagePixels(hiddenImages, out.online().text(), in.atts());
    NDArray keywordLogits = model.keywordLogits(out.imageFeat());
    pending.add(out);
    return new Outputs(out, itm, mlmLogits, in.mlmLabels(), pixels, targets, in.patchMask(), keywordLogits, keywords);
  }

  @Override
  public LossTerms loss(Outputs o) {
    Map<String, NDArray> terms = new LinkedHashMap<>(DistilledContrastiveLoss.compute(o.retrieval(), AlbefTask.ALPHA).terms());
    terms.putAll(ItmLoss.compute(o.itm()).terms());
    terms.putAll(CrossModalReconstructionLoss.compute(o.mlmLogits(), o.mlmLabels(), o.pixels(), o.pixelTargets(), o.patchMask())
        .terms());
    terms.putAll(PseudoKeywordLoss.compute(o.keywordLogits(), o.keywordTargets()).terms());
    return new LossTerms(terms);
  }

  @Override
  public void afterStep() {
    for (RetrievalOutput out : pending) model.enqueue(out);
    pending.clear();
    AlbefTask.clampTemperature(model.temp());
  }

  @Override
  public boolean couplesBatch() {
    return false;
  }

  @Override
  public void saveModel(Path dir) throws IOException {
    writer.write(dir);
  }
}
