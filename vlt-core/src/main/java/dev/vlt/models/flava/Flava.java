package dev.vlt.models.flava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.ModelModule;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * FLAVA (Singh et al. 2022) laid out as torchmultimodal's {@code FLAVAForPreTraining}: {@code model} (the image, text and
 * multimodal encoders and their projections, {@code FLAVAModel}), {@code image_codebook} (the visual tokenizer, when the
 * config has one) and {@code loss} (the pretraining heads, {@link PretrainingHeads}). The encoders are used one at a time
 * (image or text alone, or both through the multimodal encoder); the objectives choose.
 *
 * <p>As an image-text model it embeds each modality alone: {@code image_projection} / {@code text_projection} of the
 * class token after each encoder's final LayerNorm, with the contrastive temperature.
 */
public final class Flava extends Module implements ModelModule, ContrastiveModel {
  /** The label of positions without a target (torchmultimodal's ignore_index). */
  public static final long IGNORE = -1;

  private final FlavaConfig cfg;
  private final Model model;
  private final DalleCodebook codebook;
  private final PretrainingHeads heads;

  public Flava(FlavaConfig cfg) {
    this.cfg = cfg;
    model = child("model", new Model(cfg));
    codebook = cfg.codebook() == null ? null : child("image_codebook", new DalleCodebook(cfg.codebook()));
    heads = child("loss", new PretrainingHeads(cfg));
  }

  /** {@code FLAVAModel}'s parameters: the three encoders and four projections. */
  private static final class Model extends Module {
    final ImageEncoder imageEncoder;
    final TextEncoder textEncoder;
    final MultimodalEncoder mmEncoder;
    final Linear imageToMm;
    final Linear textToMm;
    final Linear textProjection;
    final Linear imageProjection;

    Model(FlavaConfig cfg) {
      imageEncoder = child("image_encoder", new ImageEncoder(cfg));
      textEncoder = child("text_encoder", new TextEncoder(cfg));
      mmEncoder = child("mm_encoder", new MultimodalEncoder(cfg));
      int h = cfg.hidden();
      imageToMm = child("image_to_mm_projection", new Linear(h, h));
      textToMm = child("text_to_mm_projection", new Linear(h, h));
      textProjection = child("text_projection", new Linear(h, cfg.projSize()));
      imageProjection = child("image_projection", new Linear(h, cfg.projSize()));
    }
  }

  /** image [B, C, S, S] normalised pixels, patchMask [B, N] (1 = replaced by the mask token) or null → 1 + N tokens. */
  public FlavaOutput image(NDArray image, NDArray patchMask) {
    return model.imageEncoder.forward(image, patchMask);
  }

  /** ids [B, L] (padding {@code pad_token_id}, masked out of attention) → L tokens. */
  public FlavaOutput text(NDArray ids) {
    return model.textEncoder.forward(ids);
  }

  /**
   * Both encodings through the multimodal encoder: each tower's last layer output (before its final LayerNorm), projected
   * to the multimodal width, after the multimodal class token → 1 + (1 + N) + L tokens.
   */
  public FlavaOutput multimodal(FlavaOutput image, FlavaOutput text) {
    return model.mmEncoder.forward(model.imageToMm.forward(image.lastLayer()), model.textToMm.forward(text.lastLayer()));
  }

  /** image_projection of the image class token after the final LayerNorm: [B, proj], not normalised. */
  public NDArray projectImage(FlavaOutput image) {
    return model.imageProjection.forward(image.lastHiddenState().get(new NDIndex(":, 0")));
  }

  /** text_projection of the text class token after the final LayerNorm: [B, proj], not normalised. */
  public NDArray projectText(FlavaOutput text) {
    return model.textProjection.forward(text.lastHiddenState().get(new NDIndex(":, 0")));
  }

  /** True when the model carries its own visual tokenizer ({@code image_codebook}). */
  public boolean hasCodebook() {
    return codebook != null;
  }

  /** images [B, C, S, S] in the codebook's pixel range → its logits [B, image vocab, g, g]. */
  public NDArray codebookLogits(NDArray images) {
    return requireCodebook().logits(images);
  }

  /** images → masked-image-modeling target ids [B, g·g] (int64), the codebook's argmax per cell. */
  public NDArray codebookLabels(NDArray images) {
    return requireCodebook().labels(images);
  }

  private DalleCodebook requireCodebook() {
    if (codebook == null) throw new IllegalStateException("this FLAVA config has no codebook (image_codebook)");
    return codebook;
  }

  /** MLM: the text head on the masked text's tokens that have a label. labels [B, L], {@link #IGNORE} elsewhere. */
  public MaskedLogits mlm(FlavaOutput textMasked, NDArray labels) {
    return predict(heads.mlm, last(textMasked.lastHiddenState(), labels.getShape().get(1)), labels);
  }

  /** MIM: the image head on the masked image's patch tokens (not its class token) that have a label [B, N]. */
  public MaskedLogits mim(FlavaOutput imageMasked, NDArray labels) {
    return predict(heads.mim, last(imageMasked.lastHiddenState(), labels.getShape().get(1)), labels);
  }

  /** Masked multimodal modeling, text half: the multimodal output's last L tokens (the text part), labels [B', L]. */
  public MaskedLogits mmmText(NDArray multimodal, NDArray labels) {
    return predict(heads.mmmText, last(multimodal, labels.getShape().get(1)), labels);
  }

  /**
   * Masked multimodal modeling, image half: the image patch tokens of the multimodal output (after its class token and
   * the image class token: positions 2 .. 2 + N), labels [B', N].
   */
  public MaskedLogits mmmImage(NDArray multimodal, NDArray labels) {
    long n = labels.getShape().get(1);
    return predict(heads.mmmImage, multimodal.get(new NDIndex(":, 2:{}", 2 + n)), labels);
  }

  /** Matching logits [B, 2] from the multimodal class token (index 1: the image and text belong together). */
  public NDArray itm(FlavaOutput multimodal) {
    return heads.itm(multimodal.lastHiddenState().get(new NDIndex(":, 0")));
  }

  private static NDArray last(NDArray x, long n) {
    return x.get(new NDIndex(":, {}:", x.getShape().get(1) - n));
  }

  /** The head on the rows of x [B, L, H] whose label [B, L] is not IGNORE, in row-major order. */
  private static MaskedLogits predict(PretrainingHeads.MaskedPredictionHead head, NDArray x, NDArray labels) {
    long[] l = labels.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
    int n = 0;
    for (long v : l) if (v != IGNORE) n++;
    long[] rows = new long[n];
    long[] targets = new long[n];
    for (int i = 0, k = 0; i < l.length; i++) {
      if (l[i] == IGNORE) continue;
      rows[k] = i;
      targets[k++] = l[i];
    }
    long h = x.getShape().get(2);
    NDArray selected = x.reshape(-1, h).get(new NDIndex("{}", x.getManager().create(rows)));     // [n, H]
    return new MaskedLogits(head.forward(selected), x.getManager().create(targets));
  }

  public PretrainingHeads heads() {
    return heads;
  }

  @Override
  public NDArray imageFeatures(NDArray images, Trace trace) {
    return projectImage(image(images, null));
  }

  @Override
  public NDArray textFeatures(NDArray ids, Trace trace) {
    return projectText(text(ids));
  }

  @Override
  public Parameter logitScale() {
    return heads.logitScale();
  }

  @Override
  public int imageSize() {
    return cfg.imageSize();
  }

  @Override
  public int contextLength() {
    return cfg.maxPositions();
  }

  @Override
  public int embedDim() {
    return cfg.projSize();
  }

  @Override
  public FlavaConfig config() {
    return cfg;
  }
}
