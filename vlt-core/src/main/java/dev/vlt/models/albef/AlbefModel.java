package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.bert.BertConfig;
import dev.vlt.models.bert.BertEmbeddingsConfig;
import dev.vlt.models.bert.BertTextEncoder;
import dev.vlt.models.fusion.CrossAttentionFusion;
import dev.vlt.models.fusion.FusionConfig;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Momentum;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;
import java.util.Locale;

/**
 * ALBEF's three encoders (Li et al. 2021, "Align before Fuse"; torchmultimodal's ALBEFModel): a ViT
 * ({@code vision_encoder}), a BERT text encoder ({@code text_encoder}) and a text-side cross-attention fusion
 * ({@code multimodal_encoder}), each with a frozen momentum copy ({@code *_m}) that follows it by EMA and produces the
 * pseudo-targets of momentum distillation.
 */
public final class AlbefModel extends Module {
  /** ALBEF's EMA coefficient for every momentum copy. */
  public static final double DEFAULT_MOMENTUM = 0.995;
  /** bert-base-uncased's vocabulary size. */
  static final int BERT_VOCAB_SIZE = 30522;

  private final VisionEncoder visionEncoder;
  private final BertTextEncoder textEncoder;
  private final CrossAttentionFusion multimodalEncoder;
  private final VisionEncoder visionEncoderM;
  private final BertTextEncoder textEncoderM;
  private final CrossAttentionFusion multimodalEncoderM;
  private final double momentum;

  public AlbefModel(VisionEncoderConfig vision, BertConfig text, FusionConfig fusion, double momentum) {
    checkWidths(vision, text, fusion);
    this.momentum = momentum;
    visionEncoder = child("vision_encoder", new VisionEncoder(vision));
    textEncoder = child("text_encoder", new BertTextEncoder(text));
    multimodalEncoder = child("multimodal_encoder", new CrossAttentionFusion(fusion, vision.hiddenSize()));
    visionEncoderM = child("vision_encoder_m", new VisionEncoder(vision));
    textEncoderM = child("text_encoder_m", new BertTextEncoder(text));
    multimodalEncoderM = child("multimodal_encoder_m", new CrossAttentionFusion(fusion, vision.hiddenSize()));
    visionEncoderM.freeze(true);
    textEncoderM.freeze(true);
    multimodalEncoderM.freeze(true);
  }

  /**
   * The tokenizer an ALBEF text tower takes: BERT's uncased WordPiece for BERT's own vocabulary, else the folder's
   * tokenizer files. Texts are cut at 35 tokens or the position table, whichever is shorter (ALBEF keeps at most 30
   * words of a caption or question).
   */
  static TokenizerSpec tokenizerSpec(BertEmbeddingsConfig text) {
    boolean bert = text.vocabSize() == BERT_VOCAB_SIZE;
    return new TokenizerSpec(Math.min(35, text.maxPositions()), text.vocabSize(), bert ? "bert-base-uncased" : null, bert);
  }

  static List<String> summary(String head, VisionEncoderConfig vision, BertConfig text, FusionConfig fusion) {
    return List.of(head,
        String.format(Locale.ROOT, "vision: ViT %dx%d px, patch %d, width %d, %d layers, %d heads, mlp %d", vision.imageSize(),
            vision.imageSize(), vision.patchSize(), vision.hiddenSize(), vision.layers(), vision.heads(), vision.mlpDim()),
        String.format(Locale.ROOT, "text: BERT, vocab %d, %d positions, width %d, %d layers, %d heads", text.embeddings().vocabSize(),
            text.embeddings().maxPositions(), text.hiddenSize(), text.layers(), text.heads()),
        String.format(Locale.ROOT, "fusion: text-side cross-attention, %d layers, width %d, %d heads", fusion.layers(),
            fusion.hiddenSize(), fusion.heads()),
        "momentum copies of every encoder (frozen; they follow by EMA during training)");
  }

  /** torchmultimodal's fusion attends with keys of its own width, and reads text states of that width. */
  static void checkWidths(VisionEncoderConfig vision, BertConfig text, FusionConfig fusion) {
    if (vision.hiddenSize() != fusion.hiddenSize() || text.hiddenSize() != fusion.hiddenSize()) {
      throw dev.vlt.models.ConfigReader.error("multimodal_encoder_args.hidden_size", fusion.hiddenSize()
          + " must equal vision_encoder_args.hidden_size " + vision.hiddenSize() + " and text_encoder_args.hidden_size "
          + text.hiddenSize());
    }
  }

  /** images [B, 3, S, S]; ids and atts [B, L] (atts 1 = token, 0 = padding). */
  public AlbefEncoding encode(NDArray images, NDArray ids, NDArray atts) {
    return encode(visionEncoder, textEncoder, multimodalEncoder, images, ids, atts);
  }

  /** The same through the momentum copies, without autograd (distillation targets). */
  public AlbefEncoding encodeMomentum(NDArray images, NDArray ids, NDArray atts) {
    try (NoGrad ignored = NoGrad.open()) {
      return encode(visionEncoderM, textEncoderM, multimodalEncoderM, images, ids, atts);
    }
  }

  private static AlbefEncoding encode(VisionEncoder vision, BertTextEncoder text, CrossAttentionFusion fusion,
      NDArray images, NDArray ids, NDArray atts) {
    NDArray image = vision.forward(images);
    NDArray txt = text.forward(ids, atts);
    NDArray fused = fusion.forward(txt, Ops.keyPaddingMask(atts, txt.getDataType()), image, null);
    return new AlbefEncoding(image, txt, fused);
  }

  /**
   * Fuses given text states with given image tokens (every image token visible, as ALBEF's matching does): text [B, L, H],
   * atts [B, L], image [B, S, H] → [B, L, H].
   */
  public NDArray fuse(NDArray text, NDArray atts, NDArray image) {
    return multimodalEncoder.forward(text, Ops.keyPaddingMask(atts, text.getDataType()), image, null);
  }

  /**
   * p_m ← p_m·m + p·(1 − m) for the three encoders' copies. Only when called: torchmultimodal's ALBEFModel.forward also
   * runs it on every inference call, which moves the copies at evaluation time (its fixture's VQA state shows it).
   */
  public void momentumUpdate() {
    Momentum.update(visionEncoder, visionEncoderM, momentum);
    Momentum.update(textEncoder, textEncoderM, momentum);
    Momentum.update(multimodalEncoder, multimodalEncoderM, momentum);
  }

  /** Sets every momentum copy to its online encoder (ALBEF starts its copies as exact copies). */
  public void resetMomentum() {
    Momentum.copy(visionEncoder, visionEncoderM);
    Momentum.copy(textEncoder, textEncoderM);
    Momentum.copy(multimodalEncoder, multimodalEncoderM);
  }

  public VisionEncoder visionEncoder() {
    return visionEncoder;
  }

  public BertTextEncoder textEncoder() {
    return textEncoder;
  }

  public CrossAttentionFusion multimodalEncoder() {
    return multimodalEncoder;
  }

  /** The momentum copy of the fusion (frozen), for what its attention shows (SimLA's keywords). */
  public CrossAttentionFusion multimodalEncoderMomentum() {
    return multimodalEncoderM;
  }

  public double momentum() {
    return momentum;
  }
}
