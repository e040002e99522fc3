package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.data.Batch;
import dev.vlt.models.vlc.Vlc;
import dev.vlt.models.vlc.VlcOutput;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.MaskedPixelLoss;
import dev.vlt.objectives.PixelTargets;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VLC's pretraining from captions (Gui et al. 2022, §3): in every pass {@code mae_cfg.mask_ratio} of each image's patches
 * (0.6) are dropped before the transformer, by one draw per image per step (fresh each pass over the data, as MAE's).
 * Three passes over the caption pairs: MLM on the fused text tokens (BERT's 15 % masking, {@link PairInputs}); masked
 * image modeling, the clean caption beside the kept patches and MAE's decoder on the fused image tokens predicting the
 * dropped patches' pixels (per-patch normalised when {@code norm_pix_loss}); ITM with a random other image of the batch
 * for half the pairs. ViLT's word-patch alignment is not included (optional in the issue; VLC does not use it either).
 *
 * <p>Beside them, trained jointly rather than in a separate fine-tuning run: a VQA classifier over the model's answers on
 * {@link #QUESTIONS_PER_SCENE} questions of each sample, with <b>every</b> patch visible, as inference sees them (a dropped patch can hold the
 * object a count or existence question is about). Weights {@code --loss-weight mlm|itm|mim|vqa=W}, 1 each by default; a
 * term of weight 0 is not computed (vqa=0 is VLC's pure pretraining).
 */
public final class VlcTask implements Task<VlcTask.Inputs, VlcTask.Outputs> {
  public static final List<String> TERMS = List.of("mlm", "itm", "mim", "vqa");
  /**
   * Questions per sample in the VQA pass, drawn afresh each pass over the data. A compute bound, not tuned on any score:
   * every question runs the whole transformer over all its patches (METER runs only its fusion layers per question), and
   * all 7-10 of a scene's questions made a step several times slower than the three pretraining passes together.
   */
  public static final int QUESTIONS_PER_SCENE = 2;

  /** The pair inputs and the patch-drop noise [B, L] (small = kept). */
  public record Inputs(PairInputs pairs, NDArray noise) {}

  /**
   * Each term's logits and labels (null when its weight is 0); MIM's prediction and target for every patch [B, L, p·p·C]
   * and the drop mask [B, L] (1 = dropped: the loss is taken there).
   */
  public record Outputs(NDArray mlmLogits, NDArray mlmLabels, NDArray itmLogits, NDArray itmLabels, NDArray mimPred,
      NDArray mimTarget, NDArray mimMask, NDArray vqaLogits, NDArray vqaLabels) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(StepOutput.rowsOrNull(parts, Outputs::mlmLogits), StepOutput.rowsOrNull(parts, Outputs::mlmLabels),
          StepOutput.rowsOrNull(parts, Outputs::itmLogits), StepOutput.rowsOrNull(parts, Outputs::itmLabels),
          StepOutput.rowsOrNull(parts, Outputs::mimPred), StepOutput.rowsOrNull(parts, Outputs::mimTarget),
          StepOutput.rowsOrNull(parts, Outputs::mimMask), StepOutput.rowsOrNull(parts, Outputs::vqaLogits),
          StepOutput.rowsOrNull(parts, Outputs::vqaLabels));
    }

    @Override
    public Map<String, NDArray> scalars() {
      return Map.of();
    }
  }

  private final Vlc model;
  private final Tokenizer tokenizer;
  private final long seed;
  private final ModelWriter writer;
  private final Map<String, Double> weights;

  public VlcTask(Vlc model, Tokenizer tokenizer, Map<String, Double> lossWeights, long seed, ModelWriter writer) {
    weights = LossWeights.resolve("VLC", TERMS, k -> 1.0, lossWeights);
    if (weights.get("mim") > 0 && model.config().mae().maskRatio() == 0) {
      throw new IllegalArgumentException("--loss-weight mim: mae_cfg.mask_ratio is 0, so no patch is dropped to be predicted");
    }
    PairInputs.checkMaskId(tokenizer, model.config().maskTokenId(), model.config().text().vocabSize(), "VLC");
    this.model = model;
    this.tokenizer = tokenizer;
    this.seed = seed;
    this.writer = writer;
  }

  private boolean on(String term) {
    return weights.get(term) > 0;
  }

  @Override
  public Module module() {
    return model;
  }

  @Override
  public Inputs collate(Batch batch, NDManager manager) {
    PairInputs p = PairInputs.collate(batch, manager, tokenizer, seed, model.config().maskTokenId(),
        on("vqa") ? model.config().answers() : null, QUESTIONS_PER_SCENE);
    return new Inputs(p, MaeTask.noise(batch, manager, seed, model.config().mae().patches()));
  }

  @Override
  public Outputs forward(Inputs in) {
    PairInputs p = in.pairs();
    Vlc.ImageTokens kept = model.embedImage(p.images(), in.noise());                 // [B, 1+K, W], K = (1 − ratio)·L
    NDArray mlmLogits = null;
    if (on("mlm")) {
      VlcOutput out = model.fuse(model.embedText(p.masked()), p.captionAtts(), kept.tokens());
      long w = out.text().getShape().get(2);
      mlmLogits = model.mlmLogits(out.text().reshape(-1, w).get(new NDIndex("{}", p.mlmRows())));   // [M, vocab]
    }
    NDArray mimPred = null;
    NDArray mimTarget = null;
    NDArray mimMask = null;
    if (on("mim")) {
      VlcOutput out = model.fuse(model.embedText(p.caption()), p.captionAtts(), kept.tokens());
      mimPred = model.mimPrediction(out.image(), kept.dropped().idsRestore());          // [B, L, p·p·C]
      mimTarget = PixelTargets.image(p.images(), model.config().mae().patchSize(), model.config().mae().normPixLoss());
      mimMask = kept.dropped().mask();
    }
    NDArray itmLogits = null;
    if (on("itm")) {
      NDArray shown = kept.tokens().get(new NDIndex("{}", p.itmImages()));           // a random other image for half
      itmLogits = model.itmLogits(model.fuse(model.embedText(p.caption()), p.captionAtts(), shown).cls());
    }
    NDArray vqaLogits = null;
    if (on("vqa")) {
      NDArray all = model.embedImage(p.images(), null).tokens();                       // [B, 1+L, W]: nothing dropped
      NDArray asked = all.get(new NDIndex("{}", p.questionImages()));                 // [R, 1+L, W]
      vqaLogits = model.vqaLogits(model.fuse(model.embedText(p.question()), p.questionAtts(), asked).cls());
    }
    return new Outputs(mlmLogits, mlmLogits == null ? null : p.mlmLabels(), itmLogits, itmLogits == null ? null : p.itmLabels(),
        mimPred, mimTarget, mimMask, vqaLogits, vqaLogits == null ? null : p.answers());
  }

  @Override
  public LossTerms loss(Outputs o) {
    Map<String, NDArray> terms = new LinkedHashMap<>();
    if (o.mlmLogits() != null) terms.put("mlm_loss", Ops.mul(Ops.crossEntropy(o.mlmLogits(), o.mlmLabels()), weights.get("mlm")));
    if (o.itmLogits() != null) terms.put("itm_loss", Ops.mul(Ops.crossEntropy(o.itmLogits(), o.itmLabels()), weights.get("itm")));
    if (o.mimPred() != null) {
      NDArray mim = MaskedPixelLoss.compute(o.mimPred(), o.mimTarget(), o.mimMask()).total();
      terms.put("mim_loss", Ops.mul(mim, weights.get("mim")));
    }
    if (o.vqaLogits() != null) terms.put("vqa_loss", Ops.mul(Ops.crossEntropy(o.vqaLogits(), o.vqaLabels()), weights.get("vqa")));
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
