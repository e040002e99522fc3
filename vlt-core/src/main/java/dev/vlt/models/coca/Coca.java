package dev.vlt.models.coca;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.ModelModule;
import dev.vlt.models.caption.CaptionModel;
import dev.vlt.models.caption.ImageEncoding;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * CoCa, Contrastive Captioners (Yu et al. 2022), as open_clip defines it: an image tower ({@code visual.}), a unimodal text
 * tower ({@code text.}) trained contrastively against it, and a multimodal decoder ({@code text_decoder.}) that captions
 * from the image tokens, all in one model with one temperature ({@code logit_scale}). Its contrastive half is CLIP's
 * contract, so CoCa embeds, classifies, indexes and searches wherever CLIP does; its decoder writes captions.
 */
public final class Coca extends Module implements ContrastiveModel, CaptionModel, ModelModule {
  /** open_clip's CoCa pads with id 0 (its default pad_id); the text mask and the caption loss both rely on it. */
  public static final int PAD_ID = 0;

  private final CocaConfig cfg;
  private final CocaVisual visual;
  private final CocaText text;
  private final MultimodalDecoder textDecoder;
  private final Parameter logitScale;

  public Coca(CocaConfig cfg) {
    this.cfg = cfg;
    text = child("text", new CocaText(cfg.text(), cfg.embedDim(), cfg.activation(), PAD_ID));
    visual = child("visual", new CocaVisual(cfg.vision(), cfg.pooler(), cfg.embedDim(), cfg.activation()));
    textDecoder = child("text_decoder", new MultimodalDecoder(cfg.decoder(), cfg.text().vocabSize(), cfg.activation()));
    logitScale = param("logit_scale", new Init.Constant(cfg.initLogitScale()));  // shape []: stored as log(1/T)
  }

  /** images [B, 3, S, S] → the contrastive latent (unnormalised) and the decoder's image tokens. */
  public ImageEncoding encodeImage(NDArray images, Trace trace) {
    return visual.forward(images, trace);
  }

  @Override
  public NDArray imageFeatures(NDArray images, Trace trace) {
    return visual.forward(images, trace).latent();
  }

  @Override
  public NDArray textFeatures(NDArray ids, Trace trace) {
    return text.forward(ids, trace).latent();
  }

  @Override
  public ImageEncoding encodeForDecoding(NDArray images) {
    return visual.forward(images, Trace.NONE);
  }

  /**
   * The training forward (open_clip's CoCa.forward with labels): both latents, and the decoder's logits when teacher-forced
   * with ids[:, :−1] against targets ids[:, 1:]. ids: [B, L] with a start token first and padding {@link #PAD_ID}.
   */
  public CocaOutput trainingForward(NDArray images, NDArray ids, Trace trace) {
    return trainingForward(images, ids, ids, trace);
  }

  /**
   * The training forward with a separate decoder input: the text tower's latent comes from {@code ids}, the decoder reads
   * the text tower's states of {@code decoderIds} (same shape; e.g. ids with some tokens replaced, for token dropout) and is
   * still scored against the true next tokens ids[:, 1:].
   */
  public CocaOutput trainingForward(NDArray images, NDArray ids, NDArray decoderIds, Trace trace) {
    ImageEncoding image = visual.forward(images, trace);
    TextEncoding txt = text.forward(ids, trace);
    TextEncoding decoderText = decoderIds == ids ? txt : text.forward(decoderIds, Trace.NONE);
    trace.put("image_features", image.latent());
    trace.put("image_embs", image.tokens());
    trace.put("text_features", txt.latent());
    trace.put("text_token_embs", txt.tokens());
    // the text tower sees all L tokens (its CLS attends over them); the decoder predicts token t+1 from tokens ≤ t
    NDArray logits = textDecoder.forward(image.tokens(), decoderText.tokens().get(new NDIndex(":, :-1")), trace);
    NDArray labels = ids.get(new NDIndex(":, 1:"));
    return new CocaOutput(Ops.l2Normalize(image.latent()), Ops.l2Normalize(txt.latent()), logitScale.value().exp(),
        logits, labels);
  }

  /**
   * Next-token logits for decoding: the decoder over the text tower's states of {@code prefix} [B, n] (n ≤
   * {@link CocaConfig#maxDecodeLength()}), given image tokens [B, S, E] → [B, vocab] for position n.
   */
  @Override
  public NDArray nextTokenLogits(NDArray imageTokens, NDArray prefix) {
    return captionLogits(imageTokens, prefix).get(new NDIndex(":, -1"));
  }

  /**
   * The decoder's next-token logits at every position of {@code ids} [B, n] (n ≤ {@link CocaConfig#maxDecodeLength()}),
   * reading the text tower's states of ids and attending to image tokens [B, S, E] → [B, n, vocab]. A caller that puts a
   * prefix of its own (NLIP's retrieved concepts) before the caption trains and decodes through this.
   */
  public NDArray captionLogits(NDArray imageTokens, NDArray ids) {
    return textDecoder.forward(imageTokens, text.forward(ids, Trace.NONE).tokens(), Trace.NONE);
  }

  @Override
  public CocaConfig config() {
    return cfg;
  }

  @Override
  public Parameter logitScale() {
    return logitScale;
  }

  @Override
  public int imageSize() {
    return cfg.vision().imageSize();
  }

  @Override
  public int contextLength() {
    return cfg.text().contextLength();
  }

  @Override
  public int embedDim() {
    return cfg.embedDim();
  }

  @Override
  public int vocabSize() {
    return cfg.text().vocabSize();
  }

  @Override
  public int maxDecodeLength() {
    return cfg.maxDecodeLength();
  }
}
