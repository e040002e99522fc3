package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.data.Batch;
import dev.vlt.models.meter.Meter;
import dev.vlt.models.meter.MeterOutput;
import dev.vlt.nn.CorrelatedMasking;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.MaskedFeatureLoss;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * METER's objectives on image-text pairs with questions (Dou et al. 2022, §3.4 and §4): masked language modeling on the
 * fused text tokens (BERT's 15 % masking: 80 % [MASK], 10 % a random token, 10 % unchanged), image-text matching with a
 * random other image of the batch swapped in for half the pairs (METER's ITM: no hard negatives, no contrastive loss),
 * and VQA as classification over the model's answer vocabulary (cross-entropy: a ShapesWorld question has one answer,
 * where METER's VQAv2 has soft scores from ten annotators) on every question of every sample, as a VQA data set trains
 * on each (image, question) pair (a ShapesWorld scene has 7-10 questions; one drawn question per scene asked a shape
 * question of about one scene in six). The image tower runs once per step and serves every pass. Optionally visual parsing's Masked Feature Regression ({@code mfr}, off by
 * default). Terms are weighted by the run's {@code loss_weights} ({@code itm}, {@code mlm}, {@code vqa} 1 each by
 * default, {@code mfr} 0); a term of weight 0 is not computed.
 */
public final class MeterTask implements Task<MeterTask.Inputs, MeterTask.Outputs> {
  /** BERT's masking rate. */
  public static final double MASK_PROB = PairInputs.MASK_PROB;
  public static final List<String> TERMS = List.of("itm", "mlm", "vqa", "mfr");
  /**
   * Masked Feature Regression's masking (visual parsing, Xue et al. 2021; off unless {@code mfr} has a weight): a quarter
   * of the patch tokens, in groups of 4 correlated tokens (about one small shape at patch 8 on 64 px).
   */
  public static final CorrelatedMasking MFR_MASKING = new CorrelatedMasking(0.25, 4);

  /**
   * @param caption the captions [B, L] and {@code captionAtts}; @param masked the captions with MLM's replacements
   * @param mlmRows the flat positions (b·L + t) of the masked tokens [K] and {@code mlmLabels} their true ids [K]
   * @param itmImages for pair b, the image row it is shown [B]; {@code itmLabels} 1 where that is its own image
   * @param question every question of every sample [R, Lq] (R = their number) and {@code questionAtts};
   *     {@code questionImages} [R] the image row each is about; {@code answers} their answer indices [R]
   * @param mfrSeeds per sample, the seed of its MFR groups (null when MFR is off)
   */
  public record Inputs(NDArray images, NDArray caption, NDArray captionAtts, NDArray masked, NDArray mlmRows,
      NDArray mlmLabels, NDArray itmImages, NDArray itmLabels, NDArray question, NDArray questionAtts, NDArray questionImages,
      NDArray answers, long[] mfrSeeds) {}

  /**
   * Each term's logits and labels (null when its weight is 0); for MFR the predicted and the encoder's features of every
   * patch token [B, N, Wv] and the mask [B, N].
   */
  public record Outputs(NDArray itmLogits, NDArray itmLabels, NDArray mlmLogits, NDArray mlmLabels, NDArray vqaLogits,
      NDArray vqaLabels, NDArray mfrPredicted, NDArray mfrTarget, NDArray mfrMask) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(StepOutput.rowsOrNull(parts, Outputs::itmLogits), StepOutput.rowsOrNull(parts, Outputs::itmLabels),
          StepOutput.rowsOrNull(parts, Outputs::mlmLogits), StepOutput.rowsOrNull(parts, Outputs::mlmLabels),
          StepOutput.rowsOrNull(parts, Outputs::vqaLogits), StepOutput.rowsOrNull(parts, Outputs::vqaLabels),
          StepOutput.rowsOrNull(parts, Outputs::mfrPredicted), StepOutput.rowsOrNull(parts, Outputs::mfrTarget),
          StepOutput.rowsOrNull(parts, Outputs::mfrMask));
    }

    @Override
    public Map<String, NDArray> scalars() {
      return Map.of();   // nothing batch-independent: no learned temperature
    }
  }

  private final Meter model;
  private final Tokenizer tokenizer;
  private final long seed;
  private final ModelWriter writer;
  private final double itmWeight;
  private final double mlmWeight;
  private final double vqaWeight;
  private final double mfrWeight;

  public MeterTask(Meter model, Tokenizer tokenizer, Map<String, Double> lossWeights, long seed, ModelWriter writer) {
    for (String k : lossWeights.keySet()) {
      if (!TERMS.contains(k)) throw new IllegalArgumentException("--loss-weight " + k + ": METER's terms are " + TERMS);
    }
    this.itmWeight = lossWeights.getOrDefault("itm", 1.0);
    this.mlmWeight = lossWeights.getOrDefault("mlm", 1.0);
    this.vqaWeight = lossWeights.getOrDefault("vqa", 1.0);
    this.mfrWeight = lossWeights.getOrDefault("mfr", 0.0);
    if (itmWeight + mlmWeight + vqaWeight + mfrWeight == 0) throw new IllegalArgumentException("--loss-weight: every METER term is 0");
    if (mfrWeight > 0 && !model.config().mfr()) {
      throw new IllegalArgumentException("--loss-weight mfr: the model has no MFR head; set \"mfr\": true in its model_cfg "
          + "(merged or co-attention fusion)");
    }
    PairInputs.checkMaskId(tokenizer, model.config().maskTokenId(), model.config().text().vocabSize(), "METER");
    this.model = model;
    this.tokenizer = tokenizer;
    this.seed = seed;
    this.writer = writer;
  }

  @Override
  public Module module() {
    return model;
  }

  @Override
  public Inputs collate(Batch batch, NDManager manager) {
    PairInputs p = PairInputs.collate(batch, manager, tokenizer, seed, model.config().maskTokenId(),
        vqaWeight == 0 ? null : model.config().answers(), Integer.MAX_VALUE);
    long[] mfrSeeds = null;
    if (mfrWeight > 0) {
      mfrSeeds = new long[batch.size()];
      for (int i = 0; i < mfrSeeds.length; i++) {
        mfrSeeds[i] = SplitMix.mix(seed ^ 0x3F2A_11E5L, batch.samples().get(i).id().hashCode());
      }
    }
    return new Inputs(p.images(), p.caption(), p.captionAtts(), p.masked(), p.mlmRows(), p.mlmLabels(), p.itmImages(),
        p.itmLabels(), p.question(), p.questionAtts(), p.questionImages(), p.answers(), mfrSeeds);
  }

  @Override
  public Outputs forward(Inputs in) {
    NDArray features = model.visualFeatures(in.images());                             // [B, 1+N, Wv]
    NDArray image = model.projectImage(features);                                     // [B, 1+N, H], once for every pass
    NDArray mlmLogits = null;
    if (mlmWeight > 0) {
      MeterOutput out = model.fuse(model.encodeText(in.masked(), in.captionAtts()), in.captionAtts(), image);
      long h = out.text().getShape().get(2);
      NDArray picked = out.text().reshape(-1, h).get(new NDIndex("{}", in.mlmRows()));   // [K, H]: only masked tokens
      mlmLogits = model.mlmLogits(picked);
    }
    NDArray itmLogits = null;
    if (itmWeight > 0) {
      NDArray shown = image.get(new NDIndex("{}", in.itmImages()));
      itmLogits = model.itmLogits(model.fuse(model.encodeText(in.caption(), in.captionAtts()), in.captionAtts(), shown).cls());
    }
    NDArray vqaLogits = null;
    if (vqaWeight > 0) {
      NDArray asked = image.get(new NDIndex("{}", in.questionImages()));              // [R, 1+N, H]: each question's image
      vqaLogits = model.vqaLogits(model.fuse(model.encodeText(in.question(), in.questionAtts()), in.questionAtts(), asked).cls());
    }
    NDArray mfrPredicted = null;
    NDArray mfrTarget = null;
    NDArray mfrMask = null;
    if (mfrWeight > 0) {
      mfrTarget = features.get(new NDIndex(":, 1:"));                                 // [B, N, Wv], the patch tokens
      SplittableRandom[] rngs = new SplittableRandom[in.mfrSeeds().length];
      for (int i = 0; i < rngs.length; i++) rngs[i] = new SplittableRandom(in.mfrSeeds()[i]);
      mfrMask = MFR_MASKING.mask(mfrTarget.stopGradient(), rngs);                     // [B, N]
      NDArray masked = model.projectImage(model.visualFeaturesMasked(in.images(), mfrMask));
      MeterOutput out = model.fuse(model.encodeText(in.caption(), in.captionAtts()), in.captionAtts(), masked);
      mfrPredicted = model.mfrPrediction(out.image().get(new NDIndex(":, 1:")));     // [B, N, Wv]
    }
    return new Outputs(itmLogits, itmLogits == null ? null : in.itmLabels(), mlmLogits,
        mlmLogits == null ? null : in.mlmLabels(), vqaLogits, vqaLogits == null ? null : in.answers(), mfrPredicted, mfrTarget,
        mfrMask);
  }

  @Override
  public LossTerms loss(Outputs o) {
    Map<String, NDArray> terms = new LinkedHashMap<>();
    if (o.itmLogits() != null) terms.put("itm_loss", Ops.mul(Ops.crossEntropy(o.itmLogits(), o.itmLabels()), itmWeight));
    if (o.mlmLogits() != null) terms.put("mlm_loss", Ops.mul(Ops.crossEntropy(o.mlmLogits(), o.mlmLabels()), mlmWeight));
    if (o.vqaLogits() != null) terms.put("vqa_loss", Ops.mul(Ops.crossEntropy(o.vqaLogits(), o.vqaLabels()), vqaWeight));
    if (o.mfrPredicted() != null) {
      terms.put("mfr_loss", Ops.mul(MaskedFeatureLoss.value(o.mfrPredicted(), o.mfrTarget(), o.mfrMask()), mfrWeight));
    }
    return new LossTerms(terms);
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
