package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.Batch;
import dev.vlt.models.flava.Flava;
import dev.vlt.models.flava.FlavaOutput;
import dev.vlt.models.flava.MaskedLogits;
import dev.vlt.nn.BlockMasking;
import dev.vlt.nn.PatchCodebook;
import dev.vlt.objectives.FlavaLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * FLAVA's training as one task with seven terms, two stages choosing among them by their default weights
 * ({@code --loss-weight TERM=W} overrides any):
 *
 * <p><b>Pretraining</b> (task {@code flava}, FLAVA §3.2, the five objectives of torchmultimodal's
 * {@code FLAVAPretrainingLoss} at its weights, 1 each): one block-wise mask per image over {@value #IMAGE_MASK_RATIO} of its
 * patches (FLAVA's BEiT masking: 75 of 196) and BERT's 15 % masking of each caption ({@link PairInputs}), then
 * {@code mim} (the image encoder on the masked image, the MIM head predicting each masked patch's visual token from the
 * model's k-means {@link PatchCodebook}, fitted on the first batch: the declared substitute for FLAVA's DALL-E dVAE);
 * {@code mlm} (the text encoder on the masked caption); {@code mmm_image} and {@code mmm_text} (masked multimodal modeling:
 * the multimodal encoder over both masked encodings, both heads, on the matching pairs only); {@code itm} (the same
 * multimodal pass, where half the pairs are shown another image of the batch; the ITM head on its [CLS]); and {@code itc}
 * (the global contrastive loss between the unmasked image and text encoders' projected [CLS]). FLAVA alternates unimodal
 * image, unimodal text and pair batches; ShapesWorld has only pairs, so each batch serves all five, and the masked
 * encodings feed both the unimodal heads and the multimodal encoder, as torchmultimodal computes them once.
 *
 * <p><b>Multi-task fine-tuning</b> (task {@code flava-multitask}): FLAVA fine-tunes one model per task; so that one
 * checkpoint embeds, matches and answers, {@code itc}, {@code itm} (now over unmasked pairs) and {@code vqa} (the answer
 * classifier on the multimodal encoder's pooled [CLS] over {@link #QUESTIONS_PER_SCENE} questions per scene, every patch
 * visible) train at once. Needs a config with {@code answers}.
 */
public final class FlavaTask implements Task<FlavaTask.Inputs, FlavaTask.Outputs> {
  public static final List<String> TERMS = List.of("mim", "mlm", "mmm_image", "mmm_text", "itm", "itc", "vqa");
  public static final Map<String, Double> PRETRAINING = Map.of("mim", 1.0, "mlm", 1.0, "mmm_image", 1.0, "mmm_text", 1.0,
      "itm", 1.0, "itc", 1.0, "vqa", 0.0);
  public static final Map<String, Double> MULTITASK = Map.of("mim", 0.0, "mlm", 0.0, "mmm_image", 0.0, "mmm_text", 0.0,
      "itm", 1.0, "itc", 1.0, "vqa", 1.0);
  /** FLAVA's image masking: BEiT's block-wise generator with 75 of 196 patches masked. */
  public static final double IMAGE_MASK_RATIO = 75.0 / 196;
  /** Questions per scene in the VQA pass, drawn per pass over the data (as BEiT-3's and VLC's). */
  public static final int QUESTIONS_PER_SCENE = 2;
  private static final List<String> MASKED_TERMS = List.of("mim", "mlm", "mmm_image", "mmm_text");

  /**
   * {@code pair}: the captions, their masked copies and MLM targets, the ITM draw (the image row each pair is shown) and the
   * VQA rows; {@code image}: the block-wise mask and its visual tokens (null when no masked term is on); the dense targets
   * [B, L] / [B, N] ({@link Flava#IGNORE} where a position has none) of each masked head, MMM's only on matching pairs.
   */
  public record Inputs(NDArray images, PairInputs pair, MaskedImage image, NDArray mlmLabels, NDArray mimLabels,
      NDArray mmmTextLabels, NDArray mmmImageLabels) {
    boolean masked() {
      return image != null;
    }
  }

  /** Each term's scores and targets (null where the term is off); ITC's projections [B, E] and log(1/T). */
  public record Outputs(MaskedLogits mim, MaskedLogits mlm, MaskedLogits mmmImage, MaskedLogits mmmText, NDArray itmLogits,
      NDArray itmLabels, NDArray imageProjection, NDArray textProjection, NDArray logitScale, NDArray vqaLogits,
      NDArray vqaLabels) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(masked(parts, Outputs::mim), masked(parts, Outputs::mlm), masked(parts, Outputs::mmmImage),
          masked(parts, Outputs::mmmText), StepOutput.rowsOrNull(parts, Outputs::itmLogits),
          StepOutput.rowsOrNull(parts, Outputs::itmLabels), StepOutput.rowsOrNull(parts, Outputs::imageProjection),
          StepOutput.rowsOrNull(parts, Outputs::textProjection), logitScale, StepOutput.rowsOrNull(parts, Outputs::vqaLogits),
          StepOutput.rowsOrNull(parts, Outputs::vqaLabels));
    }

    private static MaskedLogits masked(List<Outputs> parts, Function<Outputs, MaskedLogits> f) {
      if (f.apply(parts.get(0)) == null) return null;
      return new MaskedLogits(StepOutput.rows(parts, p -> f.apply(p).logits()), StepOutput.rows(parts, p -> f.apply(p).labels()));
    }

    @Override
    public Map<String, NDArray> scalars() {
      return logitScale == null ? Map.of() : Map.of("logit_scale", logitScale.exp());
    }
  }

  private final Flava model;
  private final Tokenizer tokenizer;
  private final long seed;
  private final ModelWriter writer;
  private final BlockMasking blocks;
  private final Map<String, Double> weights;

  /**
   * @param defaults every term's weight for this stage ({@link #PRETRAINING} or {@link #MULTITASK})
   * @param lossWeights the run's {@code --loss-weight} overrides
   */
  public FlavaTask(Flava model, Tokenizer tokenizer, Map<String, Double> defaults, Map<String, Double> lossWeights, long seed,
      ModelWriter writer) {
    weights = LossWeights.resolve("FLAVA", TERMS, defaults::get, lossWeights);
    if (on("vqa") && !model.answersQuestions()) {
      throw new IllegalArgumentException("--task: the vqa term needs a FLAVA config with answers (a VQA head); this one has none");
    }
    if (MASKED_TERMS.stream().anyMatch(this::on)) model.patchCodebook();             // one line when there is none
    PairInputs.checkMaskId(tokenizer, model.config().maskTokenId(), model.config().vocabSize(), "FLAVA");
    this.model = model;
    this.tokenizer = tokenizer;
    this.seed = seed;
    this.writer = writer;
    blocks = BlockMasking.scaled(model.config().grid(), IMAGE_MASK_RATIO);
  }

  private boolean on(String term) {
    return weights.get(term) > 0;
  }

  @Override
  public Flava module() {
    return model;
  }

  @Override
  public Inputs collate(Batch batch, NDManager manager) {
    long pass = SplitMix.mix(SplitMix.mix(seed, batch.next().epoch()), batch.next().index());   // fresh draws every pass
    PairInputs pair = PairInputs.collate(batch, manager, tokenizer, pass, model.config().maskTokenId(),
        on("vqa") ? model.config().answers() : null, QUESTIONS_PER_SCENE);
    if (MASKED_TERMS.stream().noneMatch(this::on)) return new Inputs(batch.images(), pair, null, null, null, null, null);
    NDArray tokens;
    try (NoGrad ignored = NoGrad.open()) {
      PatchCodebook codebook = model.patchCodebook();
      if (!codebook.fitted()) codebook.fit(batch.images(), seed);
      tokens = codebook.tokens(batch.images());                                        // [B, N]
    }
    MaskedImage image = MaskedImage.draw(batch, manager, blocks, tokens, SplitMix.mix(pass, 1));
    long[] matches = pair.itmLabels().toLongArray();
    long[][] mim = dense(image.rows(), image.labels(), image.mask().getShape());                    // [B, N]
    long[][] mlm = dense(pair.mlmRows(), pair.mlmLabels(), pair.caption().getShape());              // [B, L]
    return new Inputs(batch.images(), pair, image, manager.create(mlm), manager.create(mim),
        manager.create(matchingOnly(mlm, matches)), manager.create(matchingOnly(mim, matches)));
  }

  /** Dense targets [rows, cols] of {@code shape}: {@code labels} [K] at the flat positions {@code rows} [K], IGNORE elsewhere. */
  private static long[][] dense(NDArray rows, NDArray labels, Shape shape) {
    int cols = Math.toIntExact(shape.get(1));
    long[][] out = new long[Math.toIntExact(shape.get(0))][cols];
    for (long[] row : out) Arrays.fill(row, Flava.IGNORE);
    long[] r = rows.toLongArray();
    long[] l = labels.toType(DataType.INT64, false).toLongArray();
    for (int i = 0; i < r.length; i++) out[(int) (r[i] / cols)][(int) (r[i] % cols)] = l[i];
    return out;
  }

  /** The targets of the pairs that match ({@code matches[b]} = 1); IGNORE on the others (MMM learns from true pairs only). */
  private static long[][] matchingOnly(long[][] labels, long[] matches) {
    long[][] out = new long[labels.length][];
    for (int b = 0; b < labels.length; b++) {
      out[b] = labels[b].clone();
      if (matches[b] == 0) Arrays.fill(out[b], Flava.IGNORE);
    }
    return out;
  }

  @Override
  public Outputs forward(Inputs in) {
    PairInputs p = in.pair();
    FlavaOutput imageMasked = null;
    FlavaOutput textMasked = null;
    if (in.masked()) {
      imageMasked = model.image(in.images(), in.image().mask());                        // [B, 1+N, W]
      textMasked = model.text(p.masked());                                              // [B, L, W]
    }
    FlavaOutput image = null;
    FlavaOutput text = null;
    if (on("itc") || on("vqa") || (on("itm") && !in.masked())) {
      image = model.image(in.images(), null);
      text = model.text(p.caption());
    }
    MaskedLogits mim = on("mim") ? model.mim(imageMasked, in.mimLabels()) : null;
    MaskedLogits mlm = on("mlm") ? model.mlm(textMasked, in.mlmLabels()) : null;
    MaskedLogits mmmImage = null;
    MaskedLogits mmmText = null;
    NDArray itm = null;
    if (on("itm") || on("mmm_image") || on("mmm_text")) {
      // the pair pass: masked when pretraining (torchmultimodal's multimodal_masked_sequence), whole when fine-tuning;
      // pair b is shown image itmImages[b], its own for the matching half
      FlavaOutput shown = (in.masked() ? imageMasked : image).rows(p.itmImages());
      FlavaOutput mm = model.multimodal(shown, in.masked() ? textMasked : text);
      NDArray sequence = mm.lastHiddenState();
      if (on("mmm_image")) mmmImage = model.mmmImage(sequence, in.mmmImageLabels());
      if (on("mmm_text")) mmmText = model.mmmText(sequence, in.mmmTextLabels());
      if (on("itm")) itm = model.itm(mm);
    }
    NDArray imageProjection = null;
    NDArray textProjection = null;
    NDArray scale = null;
    if (on("itc")) {
      imageProjection = model.projectImage(image);                                      // [B, E]
      textProjection = model.projectText(text);                                         // [B, E]
      scale = model.logitScale().value();
    }
    NDArray vqa = null;
    if (on("vqa")) {
      FlavaOutput asked = image.rows(p.questionImages());                               // [R, 1+N, W]
      vqa = model.vqaLogits(model.multimodal(asked, model.text(p.question())));          // [R, answers]
    }
    return new Outputs(mim, mlm, mmmImage, mmmText, itm, on("itm") ? p.itmLabels() : null, imageProjection, textProjection,
        scale, vqa, on("vqa") ? p.answers() : null);
  }

  @Override
  public LossTerms loss(Outputs o) {
    Map<String, NDArray> terms = new LinkedHashMap<>();
    if (o.mim() != null) terms.put("mim_loss", Ops.mul(FlavaLoss.masked(o.mim()), weights.get("mim")));
    if (o.mlm() != null) terms.put("mlm_loss", Ops.mul(FlavaLoss.masked(o.mlm()), weights.get("mlm")));
    if (o.mmmImage() != null) terms.put("mmm_image_loss", Ops.mul(FlavaLoss.masked(o.mmmImage()), weights.get("mmm_image")));
    if (o.mmmText() != null) terms.put("mmm_text_loss", Ops.mul(FlavaLoss.masked(o.mmmText()), weights.get("mmm_text")));
    if (o.itmLogits() != null) terms.put("itm_loss", Ops.mul(FlavaLoss.itm(o.itmLogits(), o.itmLabels()), weights.get("itm")));
    if (o.imageProjection() != null) {
      long[] all = java.util.stream.LongStream.range(0, o.imageProjection().getShape().get(0)).toArray();  // every pair matches
      NDArray itc = FlavaLoss.contrastive(o.imageProjection(), o.textProjection(), o.logitScale(), all).loss();
      terms.put("itc_loss", Ops.mul(itc, weights.get("itc")));
    }
    if (o.vqaLogits() != null) terms.put("vqa_loss", Ops.mul(FlavaLoss.vqa(o.vqaLogits(), o.vqaLabels()), weights.get("vqa")));
    return new LossTerms(terms);
  }

  @Override
  public void afterStep() {
    if (on("itc")) ContrastiveTask.clampLogitScale(model.logitScale());
  }

  /** ITC scores every pair of the batch against the others; the other terms are means over independent samples. */
  @Override
  public boolean couplesBatch() {
    return on("itc");
  }

  @Override
  public void saveModel(Path dir) throws IOException {
    writer.write(dir);
  }
}
