package dev.vlt.models.flava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.ImageTextMatching;
import dev.vlt.models.ModelModule;
import dev.vlt.models.ParameterBreakdown;
import dev.vlt.models.QuestionAnswering;
import dev.vlt.models.meter.Meter;
import dev.vlt.nn.Linear;
import dev.vlt.nn.PatchCodebook;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import dev.vlt.tokenize.Tokenizer;
import java.util.List;

/**
 * FLAVA (Singh et al. 2022) laid out as torchmultimodal's {@code FLAVAForPreTraining}: {@code model} (the image, text and
 * multimodal encoders and their projections, {@code FLAVAModel}), {@code image_codebook} (the visual tokenizer, when the
 * config has one: DALL-E's dVAE encoder, or the k-means {@link PatchCodebook} a model trained here fits on its first
 * batch, a buffer) and {@code loss} (the pretraining heads, {@link PretrainingHeads}). The encoders are used one at a time
 * (image or text alone, or both through the multimodal encoder); the objectives choose. A config with {@code answers}
 * adds {@code vqa_classifier} (METER's answer MLP, as FLAVA's classification head, over the multimodal encoder's pooled
 * [CLS]), which torchmultimodal's pretraining model does not have.
 *
 * <p>One checkpoint serves every use: it embeds each modality alone ({@code image_projection} / {@code text_projection}
 * of the class token after each encoder's final LayerNorm, with the contrastive temperature), scores a pair through the
 * multimodal encoder and the ITM head, and answers through the VQA head when it has one.
 */
public final class Flava extends Module implements ModelModule, ContrastiveModel, ImageTextMatching, QuestionAnswering,
    ParameterBreakdown {
  /** The label of positions without a target (torchmultimodal's ignore_index). */
  public static final long IGNORE = -1;

  private final FlavaConfig cfg;
  private final Model model;
  private final DalleCodebook dalle;
  private final PatchCodebook kmeans;
  private final PretrainingHeads heads;
  private final Meter.VqaClassifier vqa;

  public Flava(FlavaConfig cfg) {
    this.cfg = cfg;
    model = child("model", new Model(cfg));
    dalle = cfg.codebook() instanceof FlavaConfig.CodebookConfig d ? child("image_codebook", new DalleCodebook(d)) : null;
    kmeans = cfg.codebook() instanceof FlavaConfig.KMeansCodebook
        ? child("image_codebook", new PatchCodebook(cfg.imageVocabSize(), cfg.patchSize(), cfg.numChannels())) : null;
    heads = child("loss", new PretrainingHeads(cfg));
    vqa = cfg.answersQuestions() ? child("vqa_classifier", new Meter.VqaClassifier(cfg.hidden(), cfg.answers().size())) : null;
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

  /** True when the model carries DALL-E's encoder as its visual tokenizer ({@code image_codebook}). */
  public boolean hasCodebook() {
    return dalle != null;
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
    if (dalle == null) throw new IllegalStateException("this FLAVA config has no DALL-E codebook (image_codebook)");
    return dalle;
  }

  /**
   * The k-means visual tokenizer ({@code "codebook": {"type": "kmeans"}}): its {@code tokens} of normalised images [B, C, S, S]
   * are the masked-image targets [B, N], one per patch. One line when the config has another codebook or none.
   */
  public PatchCodebook patchCodebook() {
    if (kmeans == null) {
      throw new IllegalArgumentException("this FLAVA has no k-means codebook to train masked image modeling against (model_cfg."
          + "codebook is " + (dalle != null ? "DALL-E's dVAE encoder, kept for parity with torchmultimodal" : "absent")
          + "); give it \"codebook\": {\"type\": \"kmeans\"}");
    }
    return kmeans;
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

  /** Answer logits [B, answers] from the multimodal output (its pooled [CLS], {@code pooler_output}). */
  public NDArray vqaLogits(FlavaOutput multimodal) {
    return requireVqa().forward(multimodal.poolerOutput());
  }

  private Meter.VqaClassifier requireVqa() {
    if (vqa == null) {
      throw new IllegalArgumentException("this FLAVA has no VQA head (its model_cfg lists no answers); a model trained by "
          + "--task flava-multitask from a config with answers has one");
    }
    return vqa;
  }

  /** True when the model has a VQA head. */
  public boolean answersQuestions() {
    return vqa != null;
  }

  /** Both images and texts through their encoders and the multimodal encoder, every patch and token visible. */
  private FlavaOutput pair(NDArray images, NDArray ids) {
    return multimodal(image(images, null), text(trimPadding(ids)));
  }

  /**
   * ids [B, L] without the columns that pad every row: the multimodal encoder attends to padding (torchmultimodal passes
   * it no mask), so a pair must score the same however far its batch was padded.
   */
  private NDArray trimPadding(NDArray ids) {
    long longest = ids.neq(cfg.padId()).sum(new int[] {1}).max().getLong();
    return longest >= ids.getShape().get(1) ? ids : ids.get(new NDIndex(":, :{}", Math.max(1, longest)));
  }

  /** P(match) [B] from the ITM head over the multimodal encoding of each row's image and text (atts unused: padding is in ids). */
  @Override
  public NDArray matchProbability(NDArray images, NDArray ids, NDArray atts) {
    try (NoGrad ignored = NoGrad.open()) {
      return itm(pair(images, ids)).softmax(1).get(new NDIndex(":, 1"));
    }
  }

  @Override
  public List<Answer> answer(NDArray images, NDArray ids, NDArray atts, Tokenizer tokenizer) {
    Meter.VqaClassifier head = requireVqa();                                        // before any forward pass
    try (NoGrad ignored = NoGrad.open()) {
      return QuestionAnswering.best(head.forward(pair(images, ids).poolerOutput()), cfg.answers());
    }
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

  /** The three encoders each with its projections, the pretraining heads with the temperature, VQA, DALL-E's codebook. */
  @Override
  public List<Part> parameterBreakdown() {
    long[] n = new long[6];
    namedParameters().forEach((k, p) -> {
      int part = k.startsWith("model.image_") ? 0 : k.startsWith("model.text_") ? 1 : k.startsWith("model.mm_encoder.") ? 2
          : k.startsWith("loss.") ? 3 : k.startsWith("vqa_classifier.") ? 4 : 5;
      n[part] += p.numel();
    });
    return List.of(new Part("image encoder and projections", n[0]), new Part("text encoder and projections", n[1]),
        new Part("multimodal encoder", n[2]), new Part("pretraining heads and temperature", n[3]), new Part("VQA head", n[4]),
        new Part("DALL-E codebook", n[5])).stream().filter(p -> p.count() > 0).toList();   // the parts this config has
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
