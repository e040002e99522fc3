package dev.vlt.models.vlc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.ModelModule;
import dev.vlt.models.PooledPairHeads;
import dev.vlt.models.TowerInit;
import dev.vlt.models.bert.BertEmbeddings;
import dev.vlt.models.bert.BertPredictionHead;
import dev.vlt.models.bert.PredictionHeadConfig;
import dev.vlt.models.mae.Mae;
import dev.vlt.models.mae.MaeDecoder;
import dev.vlt.models.meter.Meter;
import dev.vlt.models.vit.Vit;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.nn.Embedding;
import dev.vlt.nn.RandomMasking;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Trace;
import java.util.List;

/**
 * VLC (Gui et al. 2022): ViLT's single-stream transformer whose trunk is an MAE encoder. Under ViLT's names: text
 * {@code text_embeddings} (BERT's), the modality type table {@code token_type_embeddings} (text 0, image 1), the trunk
 * {@code transformer} (a timm ViT: {@code patch_embed}, {@code cls_token}, fixed sin-cos {@code pos_embed}, {@code blocks},
 * {@code norm}) run over [text tokens; image class token; patches], {@code pooler} on the first (text [CLS]) token, and the
 * heads {@code itm_score}, {@code vqa_classifier} and {@code mlm_score}; VLC's masked image modeling adds MAE's decoder at
 * the root ({@code decoder_*}, see {@link MaeDecoder}), which reads the fused image tokens.
 *
 * <p>In pretraining a share of the patches ({@code mae_cfg.mask_ratio}) is dropped before the transformer in every pass,
 * as MAE drops them: cheaper, and the dropped ones are what MIM predicts. Inference sees every patch.
 */
public final class Vlc extends Module implements ModelModule, PooledPairHeads, TowerInit {
  private final VlcConfig cfg;
  private final BertEmbeddings textEmbeddings;
  private final Embedding tokenTypes;
  private final Vit transformer;
  private final Meter.Pooler pooler;
  private final Meter.ItmHead itm;
  private final Meter.VqaClassifier vqa;
  private final BertPredictionHead mlm;
  private final MaeDecoder decoder;
  private final RandomMasking drop;

  public Vlc(VlcConfig cfg) {
    this.cfg = cfg;
    int w = cfg.width();
    textEmbeddings = child("text_embeddings", new BertEmbeddings(cfg.text()));
    tokenTypes = child("token_type_embeddings", new Embedding(2, w, 0.02));
    transformer = child("transformer", new Vit(cfg.mae().encoder()));
    pooler = child("pooler", new Meter.Pooler(w));
    itm = child("itm_score", new Meter.ItmHead(w));
    vqa = child("vqa_classifier", new Meter.VqaClassifier(w, cfg.answers().size()));
    mlm = child("mlm_score", new BertPredictionHead(new PredictionHeadConfig(w, cfg.text().vocabSize(), cfg.text().layerNormEps())));
    decoder = inline(new MaeDecoder(w, cfg.mae()));
    drop = new RandomMasking(cfg.mae().maskRatio());
  }

  /**
   * Image tokens ready for the transformer and, when patches were dropped, which.
   *
   * @param tokens [B, 1+K, W]: class token then the K patches that enter, positions and the image type added
   * @param dropped the drop ({@code mask} [B, L], 1 = dropped; {@code idsRestore} for the decoder), or null: every patch kept
   */
  public record ImageTokens(NDArray tokens, RandomMasking.Masked dropped) {}

  /** ids [B, T] → text tokens [B, T, W] with the text type added. */
  public NDArray embedText(NDArray ids) {
    return textEmbeddings.forward(ids).add(tokenTypes.weight().value().get(new NDIndex("0")));
  }

  /**
   * images [B, C, S, S]; noise [B, L] draws the patches to drop (the {@code keep} smallest stay, as MAE's masking), or null
   * to keep every patch.
   */
  public ImageTokens embedImage(NDArray images, NDArray noise) {
    NDArray patches = transformer.embed().patches(images, Trace.NONE);                 // [B, L, W], positions added
    RandomMasking.Masked dropped = noise == null ? null : drop.apply(patches, noise);
    NDArray x = transformer.embed().prependClass(dropped == null ? patches : dropped.kept());   // [B, 1+K, W]
    return new ImageTokens(x.add(tokenTypes.weight().value().get(new NDIndex("1"))), dropped);
  }

  /** text [B, T, W] with atts [B, T] (1 token, 0 padding), image tokens [B, 1+K, W], row b with row b → fused. */
  public VlcOutput fuse(NDArray text, NDArray atts, NDArray image) {
    long t = text.getShape().get(1);
    NDArray x = NDArrays.concat(new NDList(text, image), 1);                          // [B, T+1+K, W]
    NDArray visible = atts.getManager().ones(new Shape(image.getShape().get(0), image.getShape().get(1)), atts.getDataType());
    NDArray mask = Ops.keyPaddingMask(NDArrays.concat(new NDList(atts, visible), 1), x.getDataType());  // [B, 1, 1, T+1+K]
    NDArray y = transformer.encode(x, mask, Trace.NONE);                              // blocks, then norm over both
    return new VlcOutput(y.get(new NDIndex(":, :{}", t)), y.get(new NDIndex(":, {}:", t)), pooler.forward(y));
  }

  /** The whole forward with every patch: images [B, 3, S, S], ids and atts [B, T]. */
  public VlcOutput forward(NDArray images, NDArray ids, NDArray atts) {
    return fuse(embedText(ids), atts, embedImage(images, null).tokens());
  }

  /** (no match, match) logits [B, 2] from the pooled token [B, W]. */
  public NDArray itmLogits(NDArray cls) {
    return itm.forward(cls);
  }

  /** Answer logits [B, answers] from the pooled token [B, W]. */
  public NDArray vqaLogits(NDArray cls) {
    return vqa.forward(cls);
  }

  /** Token logits [..., vocab] from fused text tokens [..., W]. */
  public NDArray mlmLogits(NDArray text) {
    return mlm.forward(text);
  }

  /**
   * Masked image modeling: the fused image tokens [B, 1+K, W] of a pass that dropped patches, and that drop's idsRestore
   * [B, L] → pixel predictions for every patch [B, L, p·p·C] (the loss reads the dropped ones).
   */
  public NDArray mimPrediction(NDArray fusedImage, NDArray idsRestore) {
    return decoder.forward(fusedImage, idsRestore, Trace.NONE);
  }

  @Override
  public NDArray pairVector(NDArray images, NDArray ids, NDArray atts) {
    return forward(images, ids, atts).cls();
  }

  @Override
  public List<String> answerVocabulary() {
    return cfg.answers();
  }

  /** The transformer as a timm ViT (keys under {@code transformer.}). */
  public Vit transformer() {
    return transformer;
  }

  @Override
  public VlcConfig config() {
    return cfg;
  }

  /**
   * VLC's start ({@code --init-from MAE_FOLDER}): the transformer takes the MAE's encoder, which must have the same shape
   * (the mask ratio and target normalisation may differ: they are training settings). Text embeddings, type table,
   * pooler, heads and the MIM decoder stay fresh; the decoder is not taken because VLC's targets (per-patch normalised
   * pixels of patches dropped beside a text) are not what an MAE's decoder was trained on in general.
   */
  @Override
  public String initFrom(ModelModule source, NDManager manager) {
    if (!(source instanceof Mae mae)) {
      throw new IllegalArgumentException("VLC starts its transformer from an MAE, not from " + source.config().arch());
    }
    VitConfig want = cfg.mae().encoder();
    VitConfig have = mae.config().encoder();
    if (!want.equals(have)) {
      throw new IllegalArgumentException("the MAE's encoder (img_size " + have.imageSize() + ", patch_size " + have.patchSize()
          + ", embed_dim " + have.width() + ", depth " + have.depth() + ", num_heads " + have.heads() + ", mlp_ratio "
          + have.mlpRatio() + ") differs from VLC's mae_cfg (" + want.imageSize() + ", " + want.patchSize() + ", " + want.width()
          + ", " + want.depth() + ", " + want.heads() + ", " + want.mlpRatio() + ")");
    }
    transformer.load(manager, mae.encoder().stateDict());                             // copies every value into manager
    return "transformer <- the MAE's encoder (patch embedding, class token, positions, blocks, norm)";
  }
}
