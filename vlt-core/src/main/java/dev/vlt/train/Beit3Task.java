package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.models.beit3.Beit3;
import dev.vlt.nn.BlockMasking;
import dev.vlt.objectives.ContrastiveLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * BEiT-3's training as one task with six terms, two stages choosing among them by their default weights
 * ({@code --loss-weight TERM=W} overrides any):
 *
 * <p><b>Masked data modeling</b> (task {@code beit3}, BEiT-3 §2.2): {@code mim}, an image-only pass (vision experts) with
 * {@value #IMAGE_MASK_RATIO} of the patches masked block-wise ({@link BlockMasking}) predicting each masked patch's
 * visual token ({@link dev.vlt.nn.PatchCodebook}, fitted on the first batch when the model's is empty); {@code mlm}, a
 * text-only pass (language experts) of the captions with {@value #TEXT_MASK_RATIO} of their tokens masked (BERT's
 * 80/10/10); and over the image-text pair (vision and language experts below the top layers, the vision-language expert
 * in them) {@code pair_mlm} with {@value #PAIR_TEXT_MASK_RATIO} of the caption's tokens masked and {@code pair_mim} on the
 * pair's image, masked block-wise as well (one pass, both terms).
 *
 * <p><b>Multi-task fine-tuning</b> (task {@code beit3-multitask}): the paper fine-tunes one model per task; to make one
 * checkpoint both embed and answer, both fine-tuning objectives train it at once: {@code itc}, CLIP's contrastive loss
 * between the image-only pass's [CLS] through {@code vision_head} and the text-only pass's first token through
 * {@code language_head} (as BEiT-3's retrieval fine-tuning), and {@code vqa}, the answer classifier over the pair pass of
 * {@link #QUESTIONS_PER_SCENE} questions per scene with every patch visible. Each term trains the experts its pass routes
 * through, so ITC shapes the V-FFN and L-FFN and VQA the VL-FFN (and the lower layers of both).
 */
public final class Beit3Task implements Task<Beit3Task.Inputs, Beit3Task.Outputs> {
  public static final List<String> TERMS = List.of("mim", "mlm", "pair_mlm", "pair_mim", "itc", "vqa");
  public static final Map<String, Double> PRETRAINING = Map.of("mim", 1.0, "mlm", 1.0, "pair_mlm", 1.0, "pair_mim", 1.0,
      "itc", 0.0, "vqa", 0.0);
  public static final Map<String, Double> MULTITASK = Map.of("mim", 0.0, "mlm", 0.0, "pair_mlm", 0.0, "pair_mim", 0.0,
      "itc", 1.0, "vqa", 1.0);
  /** BEiT-3's masking of monomodal text. */
  public static final double TEXT_MASK_RATIO = 0.15;
  /** BEiT-3's masking of the text of image-text pairs (higher: the image helps recover it). */
  public static final double PAIR_TEXT_MASK_RATIO = 0.5;
  /** BEiT-3's block-wise masking of image patches. */
  public static final double IMAGE_MASK_RATIO = 0.4;
  /** Questions per scene in the VQA pass, drawn per pass over the data (VLC's compute bound). */
  public static final int QUESTIONS_PER_SCENE = 2;

  /**
   * A masked copy of token ids [B, T] for masked language modeling: the flat positions (b·T + t) of the chosen tokens
   * [K] and their true ids [K].
   */
  public record MaskedText(NDArray ids, NDArray rows, NDArray labels) {}

  /**
   * images [B, 3, S, S]; caption and captionAtts [B, T]; the masked copies each switched-on term needs (null otherwise);
   * {@code questions} the VQA rows of {@link PairInputs} (null when vqa is off).
   */
  public record Inputs(NDArray images, NDArray caption, NDArray captionAtts, MaskedImage image, MaskedText text,
      MaskedText pairText, MaskedImage pairImage, PairInputs questions) {}

  /** Each term's logits and labels; ITC's normalised embeddings [B, E] and exp(logit_scale). Null where a term is off. */
  public record Outputs(NDArray mimLogits, NDArray mimLabels, NDArray mlmLogits, NDArray mlmLabels, NDArray pairMlmLogits,
      NDArray pairMlmLabels, NDArray pairMimLogits, NDArray pairMimLabels, NDArray imageEmbeddings, NDArray textEmbeddings,
      NDArray logitScale, NDArray vqaLogits, NDArray vqaLabels) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(StepOutput.rowsOrNull(parts, Outputs::mimLogits), StepOutput.rowsOrNull(parts, Outputs::mimLabels),
          StepOutput.rowsOrNull(parts, Outputs::mlmLogits), StepOutput.rowsOrNull(parts, Outputs::mlmLabels),
          StepOutput.rowsOrNull(parts, Outputs::pairMlmLogits), StepOutput.rowsOrNull(parts, Outputs::pairMlmLabels),
          StepOutput.rowsOrNull(parts, Outputs::pairMimLogits), StepOutput.rowsOrNull(parts, Outputs::pairMimLabels),
          StepOutput.rowsOrNull(parts, Outputs::imageEmbeddings), StepOutput.rowsOrNull(parts, Outputs::textEmbeddings),
          logitScale, StepOutput.rowsOrNull(parts, Outputs::vqaLogits), StepOutput.rowsOrNull(parts, Outputs::vqaLabels));
    }

    @Override
    public Map<String, NDArray> scalars() {
      return logitScale == null ? Map.of() : Map.of("logit_scale", logitScale);
    }
  }

  private final Beit3 model;
  private final Tokenizer tokenizer;
  private final long seed;
  private final ModelWriter writer;
  private final BlockMasking blocks;
  private final Map<String, Double> weights;

  /**
   * @param defaults every term's weight for this stage ({@link #PRETRAINING} or {@link #MULTITASK})
   * @param lossWeights the run's {@code --loss-weight} overrides
   */
  public Beit3Task(Beit3 model, Tokenizer tokenizer, Map<String, Double> defaults, Map<String, Double> lossWeights, long seed,
      ModelWriter writer) {
    weights = LossWeights.resolve("BEiT-3", TERMS, defaults::get, lossWeights);
    PairInputs.checkMaskId(tokenizer, model.config().maskTokenId(), model.config().vocabSize(), "BEiT-3");
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
  public Beit3 module() {
    return model;
  }

  @Override
  public Inputs collate(Batch batch, NDManager manager) {
    long pad = tokenizer.padId();
    long[][] caption = SampleQuestions.trim(batch.tokens(), pad);
    NDArray captionIds = manager.create(caption);
    NDArray atts = captionIds.neq(pad).toType(DataType.INT64, false);
    long pass = SplitMix.mix(SplitMix.mix(seed, batch.next().epoch()), batch.next().index());   // fresh masks every pass
    NDArray tokens = null;
    if (on("mim") || on("pair_mim")) {
      try (NoGrad ignored = NoGrad.open()) {
        if (!model.visualTokenizer().fitted()) model.visualTokenizer().fit(batch.images(), seed);
        tokens = model.visualTokenizer().tokens(batch.images());                        // [B, L]
      }
    }
    return new Inputs(batch.images(), captionIds, atts,
        on("mim") ? MaskedImage.draw(batch, manager, blocks, tokens, SplitMix.mix(pass, 1)) : null,
        on("mlm") ? maskText(batch, caption, manager, TEXT_MASK_RATIO, SplitMix.mix(pass, 2)) : null,
        on("pair_mlm") ? maskText(batch, caption, manager, PAIR_TEXT_MASK_RATIO, SplitMix.mix(pass, 3)) : null,
        on("pair_mim") ? MaskedImage.draw(batch, manager, blocks, tokens, SplitMix.mix(pass, 4)) : null,
        on("vqa") ? PairInputs.collate(batch, manager, tokenizer, seed, model.config().maskTokenId(), model.config().answers(),
            QUESTIONS_PER_SCENE) : null);
  }

  private MaskedText maskText(Batch batch, long[][] caption, NDManager manager, double ratio, long salt) {
    int l = caption[0].length;
    long[][] masked = new long[caption.length][];
    List<Long> rows = new ArrayList<>();
    List<Long> labels = new ArrayList<>();
    for (int i = 0; i < caption.length; i++) {
      SplittableRandom rng = new SplittableRandom(SplitMix.mix(salt, batch.samples().get(i).id().hashCode()));
      masked[i] = TokenMasking.mask(caption[i], tokenizer.padId(), model.config().maskTokenId(), ratio, rng, i * (long) l, rows,
          labels);
    }
    TokenMasking.atLeastOne(caption, masked, model.config().maskTokenId(), rows, labels);
    return new MaskedText(manager.create(masked), manager.create(rows.stream().mapToLong(Long::longValue).toArray()),
        manager.create(labels.stream().mapToLong(Long::longValue).toArray()));
  }

  @Override
  public Outputs forward(Inputs in) {
    NDArray mimLogits = null;
    if (in.image() != null) {
      NDArray t = model.imageTokens(in.images(), in.image().mask());                  // [B, 1+L, W]
      mimLogits = model.mimLogits(patchRows(t, in.image().rows()));                    // [M, codebook]
    }
    NDArray mlmLogits = null;
    if (in.text() != null) {
      NDArray t = model.textTokens(in.text().ids(), in.captionAtts());                // [B, T, W]
      mlmLogits = model.mlmLogits(flatRows(t, in.text().rows()));                     // [K, vocab]
    }
    NDArray pairMlm = null;
    NDArray pairMim = null;
    if (in.pairText() != null || in.pairImage() != null) {
      Beit3.PairTokens p = model.pairTokens(in.images(), in.pairImage() == null ? null : in.pairImage().mask(),
          in.pairText() == null ? in.caption() : in.pairText().ids(), in.captionAtts());
      if (in.pairText() != null) pairMlm = model.mlmLogits(flatRows(p.text(), in.pairText().rows()));
      if (in.pairImage() != null) pairMim = model.mimLogits(patchRows(p.image(), in.pairImage().rows()));
    }
    NDArray image = null;
    NDArray text = null;
    NDArray scale = null;
    if (on("itc")) {
      image = model.encodeImage(in.images(), true);                                   // [B, E]
      text = model.encodeText(in.caption(), true);                                    // [B, E]
      scale = model.logitScale().value().exp();
    }
    NDArray vqaLogits = null;
    PairInputs q = in.questions();
    if (q != null) {
      NDArray asked = in.images().get(new NDIndex("{}", q.questionImages()));          // [R, 3, S, S]
      vqaLogits = model.vqaLogits(model.pairTokens(asked, null, q.question(), q.questionAtts()).image());
    }
    return new Outputs(mimLogits, in.image() == null ? null : in.image().labels(), mlmLogits,
        in.text() == null ? null : in.text().labels(), pairMlm, in.pairText() == null ? null : in.pairText().labels(), pairMim,
        in.pairImage() == null ? null : in.pairImage().labels(), image, text, scale, vqaLogits, q == null ? null : q.answers());
  }

  /** tokens [B, N, W] → the rows at flat positions b·N + n [K, W]. */
  private static NDArray flatRows(NDArray tokens, NDArray rows) {
    return tokens.reshape(-1, tokens.getShape().get(2)).get(new NDIndex("{}", rows));
  }

  /** image tokens [B, 1+L, W] → the patch rows at flat patch positions b·L + l [M, W] (the [CLS] dropped). */
  private static NDArray patchRows(NDArray image, NDArray rows) {
    return flatRows(image.get(new NDIndex(":, 1:")), rows);
  }

  @Override
  public LossTerms loss(Outputs o) {
    Map<String, NDArray> terms = new LinkedHashMap<>();
    if (o.mimLogits() != null) terms.put("mim_loss", Ops.mul(Ops.crossEntropy(o.mimLogits(), o.mimLabels()), weights.get("mim")));
    if (o.mlmLogits() != null) terms.put("mlm_loss", Ops.mul(Ops.crossEntropy(o.mlmLogits(), o.mlmLabels()), weights.get("mlm")));
    if (o.pairMlmLogits() != null) {
      terms.put("pair_mlm_loss", Ops.mul(Ops.crossEntropy(o.pairMlmLogits(), o.pairMlmLabels()), weights.get("pair_mlm")));
    }
    if (o.pairMimLogits() != null) {
      terms.put("pair_mim_loss", Ops.mul(Ops.crossEntropy(o.pairMimLogits(), o.pairMimLabels()), weights.get("pair_mim")));
    }
    if (o.imageEmbeddings() != null) {
      NDArray itc = ContrastiveLoss.compute(o.imageEmbeddings(), o.textEmbeddings(), o.logitScale()).total();
      terms.put("itc_loss", Ops.mul(itc, weights.get("itc")));
    }
    if (o.vqaLogits() != null) terms.put("vqa_loss", Ops.mul(Ops.crossEntropy(o.vqaLogits(), o.vqaLabels()), weights.get("vqa")));
    return new LossTerms(terms);
  }

  @Override
  public void afterStep() {
    if (on("itc")) ContrastiveTask.clampLogitScale(model.logitScale());
  }

  /** ITC scores every pair of the batch against the others; the masked-modeling and VQA terms are per sample. */
  @Override
  public boolean couplesBatch() {
    return on("itc");
  }

  @Override
  public void saveModel(Path dir) throws IOException {
    writer.write(dir);
  }
}
