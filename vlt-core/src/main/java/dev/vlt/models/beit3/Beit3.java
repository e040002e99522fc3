package dev.vlt.models.beit3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.ModelModule;
import dev.vlt.models.ParameterBreakdown;
import dev.vlt.models.QuestionAnswering;
import dev.vlt.models.meter.Meter;
import dev.vlt.nn.Embedding;
import dev.vlt.nn.Linear;
import dev.vlt.nn.PatchCodebook;
import dev.vlt.nn.VitEmbed;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import dev.vlt.tokenize.Tokenizer;
import java.util.List;

/**
 * BEiT-3 (Wang et al. 2023): one {@link MultiwayEncoder} (shared self-attention, per-modality FFN experts, a
 * vision-language expert in the top layers) over image patches, text tokens or both, so one checkpoint serves as an
 * image encoder, a text encoder and a fusion encoder. Image tokens come first in a pair, as in BEiT-3.
 *
 * <p>Keys, after torchscale's BEiT-3 where it has the part: {@code vision_embed} (timm's {@code patch_embed.proj},
 * {@code cls_token}, learned {@code pos_embed} over [CLS] and patches, and BEiT's {@code mask_token}), {@code text_embed}
 * ({@code word_embeddings}, learned {@code position_embeddings}), {@code encoder} ({@code layers.N}, {@code layer_norm}),
 * the retrieval heads {@code vision_head} and {@code language_head} (bias-free projections of the [CLS] tokens, as
 * BEiT-3's retrieval model) and CLIP's {@code logit_scale}; the masked data modeling heads {@code mlm_head} (text ids)
 * and {@code mim_head} (visual tokens); for VQA METER's {@code pooler} (tanh(dense) of the first, image [CLS], token of
 * the pair) and {@code vqa_classifier}; and {@code visual_tokenizer.codebook}, the k-means targets of masked image
 * modeling ({@link PatchCodebook}), a buffer.
 */
public final class Beit3 extends Module implements ModelModule, ContrastiveModel, QuestionAnswering, ParameterBreakdown {
  private static final double INIT_LOGIT_SCALE = Math.log(1 / 0.07);

  private final Beit3Config cfg;
  private final VisionEmbed visionEmbed;
  private final TextEmbed textEmbed;
  private final MultiwayEncoder encoder;
  private final Linear visionHead;
  private final Linear languageHead;
  private final Parameter logitScale;
  private final Linear mlmHead;
  private final Linear mimHead;
  private final Meter.Pooler pooler;
  private final Meter.VqaClassifier vqa;
  private final PatchCodebook visualTokenizer;

  public Beit3(Beit3Config cfg) {
    this.cfg = cfg;
    int w = cfg.width();
    visionEmbed = child("vision_embed", new VisionEmbed(cfg));
    textEmbed = child("text_embed", new TextEmbed(cfg));
    encoder = child("encoder", new MultiwayEncoder(cfg));
    visionHead = child("vision_head", new Linear(w, cfg.embedDim(), false));
    languageHead = child("language_head", new Linear(w, cfg.embedDim(), false));
    logitScale = param("logit_scale", new Init.Constant(INIT_LOGIT_SCALE));            // shape []: log(1/T)
    mlmHead = child("mlm_head", new Linear(w, cfg.vocabSize()));
    mimHead = child("mim_head", new Linear(w, cfg.codebookSize()));
    pooler = child("pooler", new Meter.Pooler(w));
    vqa = child("vqa_classifier", new Meter.VqaClassifier(w, cfg.answers().size()));
    visualTokenizer = child("visual_tokenizer", new PatchCodebook(cfg.codebookSize(), cfg.patchSize(), 3));
  }

  /** A pair's encoding, split back by modality. @param image [B, 1+L, W] ([CLS] then patches) @param text [B, T, W] */
  public record PairTokens(NDArray image, NDArray text) {}

  /**
   * Image-only pass (every layer's vision expert): images [B, 3, S, S], masked [B, L] (1 = the patch is replaced by the
   * mask token; null: none) → [B, 1+L, W].
   */
  public NDArray imageTokens(NDArray images, NDArray masked) {
    return encoder.forward(visionEmbed.forward(images, masked), null, MultiwayEncoder.Input.IMAGE, 0);
  }

  /** Text-only pass (every layer's language expert): ids and atts [B, T] (1 token, 0 padding) → [B, T, W]. */
  public NDArray textTokens(NDArray ids, NDArray atts) {
    NDArray mask = Ops.keyPaddingMask(atts, DataType.FLOAT32);                        // [B, 1, 1, T]
    return encoder.forward(textEmbed.forward(ids), mask, MultiwayEncoder.Input.TEXT, 0);
  }

  /**
   * Pair pass: image tokens through the vision experts and text tokens through the language experts below the top
   * {@code vl_layers}, every token through the vision-language expert in them. images [B, 3, S, S], masked [B, L] or null,
   * ids and atts [B, T], row b with row b.
   */
  public PairTokens pairTokens(NDArray images, NDArray masked, NDArray ids, NDArray atts) {
    NDArray image = visionEmbed.forward(images, masked);                              // [B, 1+L, W]
    long b = image.getShape().get(0);
    long i = image.getShape().get(1);
    NDArray keep = NDArrays.concat(new NDList(atts.getManager().ones(new Shape(b, i), atts.getDataType()), atts), 1);
    NDArray x = NDArrays.concat(new NDList(image, textEmbed.forward(ids)), 1);        // [B, 1+L+T, W]
    NDArray y = encoder.forward(x, Ops.keyPaddingMask(keep, x.getDataType()), MultiwayEncoder.Input.PAIR, (int) i);
    return new PairTokens(y.get(new NDIndex(":, :{}", i)), y.get(new NDIndex(":, {}:", i)));
  }

  /** Token logits [..., vocab] from encoded text tokens [..., W]. */
  public NDArray mlmLogits(NDArray text) {
    return mlmHead.forward(text);
  }

  /** Visual-token logits [..., codebook] from encoded patch tokens [..., W]. */
  public NDArray mimLogits(NDArray patches) {
    return mimHead.forward(patches);
  }

  /** Answer logits [B, answers] from a pair's encoded tokens [B, N, W] (pooled at the first, image [CLS], token). */
  public NDArray vqaLogits(NDArray pair) {
    return vqa.forward(pooler.forward(pair));
  }

  /** The masked-image-modeling targets. */
  public PatchCodebook visualTokenizer() {
    return visualTokenizer;
  }

  /** The image [CLS] of the image-only pass, projected by {@code vision_head}: [B, E], not normalised. */
  @Override
  public NDArray imageFeatures(NDArray images, Trace trace) {
    return visionHead.forward(imageTokens(images, null).get(new NDIndex(":, 0")));
  }

  /** The text [CLS] (first) token of the text-only pass, projected by {@code language_head}: [B, E], not normalised. */
  @Override
  public NDArray textFeatures(NDArray ids, Trace trace) {
    NDArray atts = ids.neq(cfg.padId()).toType(DataType.INT64, false);
    return languageHead.forward(textTokens(ids, atts).get(new NDIndex(":, 0")));
  }

  @Override
  public Parameter logitScale() {
    return logitScale;
  }

  @Override
  public List<Answer> answer(NDArray images, NDArray ids, NDArray atts, Tokenizer tokenizer) {
    try (NoGrad ignored = NoGrad.open()) {
      PairTokens p = pairTokens(images, null, ids, atts);
      return QuestionAnswering.best(vqaLogits(p.image()), cfg.answers());
    }
  }

  @Override
  public int imageSize() {
    return cfg.imageSize();
  }

  @Override
  public int contextLength() {
    return cfg.contextLength();
  }

  @Override
  public int embedDim() {
    return cfg.embedDim();
  }

  @Override
  public List<Part> parameterBreakdown() {
    return ExpertSplit.of(this).parts();
  }

  @Override
  public Beit3Config config() {
    return cfg;
  }

  /**
   * timm's ViT input stage ({@code patch_embed.proj}, {@code cls_token}, learned {@code pos_embed}) and BEiT's
   * {@code mask_token} [1, 1, W], which takes a masked patch's place before its position is added.
   */
  static final class VisionEmbed extends Module {
    private final VitEmbed embed;
    private final Parameter maskToken;

    VisionEmbed(Beit3Config cfg) {
      embed = inline(VitEmbed.image(3, cfg.width(), cfg.imageSize(), cfg.patchSize(), true, VitEmbed.Positions.LEARNED));
      maskToken = param("mask_token", Init.normal(0.02), 1, 1, cfg.width());
    }

    /** images [B, 3, S, S], masked [B, L] (1 = masked) or null → [B, 1+L, W]. */
    NDArray forward(NDArray images, NDArray masked) {
      NDArray x = embed.patches(images, Trace.NONE);                                  // [B, L, W], positions added
      if (masked != null) {
        NDArray m = masked.toType(x.getDataType(), false).expandDims(-1);            // [B, L, 1]
        NDArray pos = embed.positions(x).get(new NDIndex(":, 1:"));                  // [1, L, W]
        NDArray filler = maskToken.value().add(pos);                                  // [1, L, W]
        x = x.mul(m.onesLike().sub(m)).add(filler.mul(m));
      }
      return embed.prependClass(x);
    }
  }

  /** Text input stage: {@code word_embeddings} [V, W] + learned {@code position_embeddings} [T, W]. */
  static final class TextEmbed extends Module {
    private final Embedding words;
    private final Embedding positions;
    private final int context;

    TextEmbed(Beit3Config cfg) {
      words = child("word_embeddings", new Embedding(cfg.vocabSize(), cfg.width(), 0.02));
      positions = child("position_embeddings", new Embedding(cfg.contextLength(), cfg.width(), 0.02));
      context = cfg.contextLength();
    }

    /** ids [B, T], T ≤ context_length → [B, T, W]. */
    NDArray forward(NDArray ids) {
      long t = ids.getShape().get(1);
      if (t > context) throw new IllegalArgumentException("text length " + t + " exceeds context_length " + context);
      return words.forward(ids).add(positions.weight().value().get(new NDIndex(":{}", t)));
    }
  }
}
