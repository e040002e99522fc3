package dev.vlt.models.meter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.ModelModule;
import dev.vlt.models.PooledPairHeads;
import dev.vlt.models.bert.BertPredictionHead;
import dev.vlt.models.bert.PredictionHeadConfig;
import dev.vlt.models.vit.Vit;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.nn.Embedding;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Linear;
import dev.vlt.nn.VitEmbed;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Trace;
import java.util.List;

/**
 * METER (Dou et al. 2022) under its release's names: the image tower {@code vit_model} and text tower
 * {@code text_transformer}; {@code cross_modal_image_transform} / {@code cross_modal_text_transform} project their tokens
 * to the fusion width H and {@code token_type_embeddings} tags them (text 0, image 1); the fusion module (its
 * {@code cross_modal_*} layers, see {@link Fusion}); {@code cross_modal_text_pooler} and {@code cross_modal_image_pooler}
 * (tanh(dense(·)) of each stream's first token); and the heads {@code itm_score}, {@code vqa_classifier} and
 * {@code mlm_score}. Everything named {@code cross_modal_*} and the heads are what METER trains at a higher learning rate.
 */
public final class Meter extends Module implements ModelModule, PooledPairHeads, dev.vlt.models.TowerInit {
  private final MeterConfig cfg;
  private final Vit vit;
  private final Module textTower;
  private final Linear imageTransform;
  private final Linear textTransform;
  private final Embedding tokenTypes;
  private final Fusion fusion;
  private final Pooler textPooler;
  private final Pooler imagePooler;
  private final ItmHead itm;
  private final VqaClassifier vqa;
  private final BertPredictionHead mlm;
  private final Linear mfr;

  public Meter(MeterConfig cfg) {
    this.cfg = cfg;
    int h = cfg.hiddenSize();
    vit = child("vit_model", new Vit(cfg.vision()));
    textTower = child("text_transformer", cfg.text().create());
    imageTransform = child("cross_modal_image_transform", new Linear(cfg.vision().width(), h));
    textTransform = child("cross_modal_text_transform", new Linear(cfg.text().width(), h));
    tokenTypes = child("token_type_embeddings", new Embedding(2, h, 0.02));
    fusion = cfg.fusion().create(cfg.fusionCfg());
    inline((Module) fusion);                                                        // cross_modal_*_layers at the root
    imagePooler = child("cross_modal_image_pooler", new Pooler(h));
    textPooler = child("cross_modal_text_pooler", new Pooler(h));
    itm = child("itm_score", new ItmHead(2 * h));
    vqa = child("vqa_classifier", new VqaClassifier(2 * h, cfg.answers().size()));
    mlm = child("mlm_score", new BertPredictionHead(new PredictionHeadConfig(h, cfg.text().vocabSize(),
        cfg.fusionCfg().layerNormEps())));
    // visual parsing's MFR: fused image tokens (H) → the visual encoder's features (its width), only when configured
    mfr = cfg.mfr() ? child("mfr_score", new Linear(h, cfg.vision().width())) : null;
  }

  /** METER's Pooler (ViLT's too): tanh(dense(x[:, 0])). */
  public static final class Pooler extends Module {
    private final Linear dense;

    public Pooler(int h) {
      dense = child("dense", new Linear(h, h));
    }

    public NDArray forward(NDArray tokens) {                                        // [B, N, H] → [B, H]
      return dense.forward(tokens.get(new NDIndex(":, 0"))).tanh();
    }
  }

  /** METER's ITMHead: one linear layer {@code fc} from the 2H pooled pair to (no match, match). */
  public static final class ItmHead extends Module {
    private final Linear fc;

    public ItmHead(int width) {
      fc = child("fc", new Linear(width, 2));
    }

    public NDArray forward(NDArray cls) {
      return fc.forward(cls);
    }
  }

  /** METER's vqa_classifier: Linear(2H, 2H) → LayerNorm → GELU → Linear(2H, answers), as torch's Sequential numbers them. */
  public static final class VqaClassifier extends Module {
    private final Linear first;
    private final LayerNorm norm;
    private final Linear last;

    public VqaClassifier(int width, int answers) {
      first = child("0", new Linear(width, width));
      norm = child("1", new LayerNorm(width));
      last = child("3", new Linear(width, answers));                                 // "2" is the GELU, which has no weights
    }

    public NDArray forward(NDArray cls) {
      return last.forward(Ops.gelu(norm.forward(first.forward(cls))));
    }
  }

  /** images [B, 3, S, S] → the image tokens at the fusion width, type-tagged [B, 1+N, H]. */
  public NDArray encodeImage(NDArray images) {
    return projectImage(visualFeatures(images));
  }

  /** images [B, 3, S, S] → the visual encoder's output features [B, 1+N, Wv], after the ViT's norm. */
  public NDArray visualFeatures(NDArray images) {
    return vit.forwardFeatures(images, Trace.NONE);
  }

  /**
   * The visual encoder's features of images whose masked patches (mask [B, N], 1 = masked) enter it as their position
   * alone, the patch content removed → [B, 1+N, Wv]: what Masked Feature Regression fuses and recovers from.
   */
  public NDArray visualFeaturesMasked(NDArray images, NDArray mask) {
    VitEmbed embed = vit.embed();
    NDArray patches = embed.patches(images, Trace.NONE);                            // [B, N, Wv], positions added
    NDArray positions = embed.positions(patches).get(new NDIndex(":, {}:", embed.prefixTokens()));   // [1, N, Wv]
    NDArray m = mask.expandDims(2);                                                 // [B, N, 1]
    NDArray kept = patches.mul(m.neg().add(1)).add(positions.mul(m));
    return vit.encode(embed.prependClass(kept), Trace.NONE);
  }

  /** Visual features [B, 1+N, Wv] → the image tokens at the fusion width, type-tagged [B, 1+N, H]. */
  public NDArray projectImage(NDArray features) {
    return imageTransform.forward(features).add(tokenTypes.weight().value().get(new NDIndex("1")));
  }

  /** Fused image tokens [..., H] → predicted visual features [..., Wv] (Masked Feature Regression's head). */
  public NDArray mfrPrediction(NDArray fusedImage) {
    if (mfr == null) throw new IllegalStateException("this METER has no MFR head: set \"mfr\": true in its model_cfg");
    return mfr.forward(fusedImage);
  }

  /** ids and atts [B, L] → the text tokens at the fusion width, type-tagged [B, L, H]. */
  public NDArray encodeText(NDArray ids, NDArray atts) {
    NDArray x = cfg.text().tokens(textTower, ids, atts);                            // [B, L, Wt]
    return textTransform.forward(x).add(tokenTypes.weight().value().get(new NDIndex("0")));
  }

  /** Fuses encoded text [B, L, H] (atts [B, L]) with encoded images [B, 1+N, H], row b with row b. */
  public MeterOutput fuse(NDArray text, NDArray atts, NDArray image) {
    Fusion.Fused f = fusion.forward(text, Ops.keyPaddingMask(atts, text.getDataType()), image);
    NDArray cls = NDArrays.concat(new NDList(textPooler.forward(f.text()), imagePooler.forward(f.image())), -1);
    return new MeterOutput(f.text(), f.image(), cls);
  }

  /** The whole forward: images [B, 3, S, S], ids and atts [B, L]. */
  public MeterOutput forward(NDArray images, NDArray ids, NDArray atts) {
    return fuse(encodeText(ids, atts), atts, encodeImage(images));
  }

  /** (no match, match) logits [B, 2] from the pooled pair [B, 2H]. */
  public NDArray itmLogits(NDArray cls) {
    return itm.forward(cls);
  }

  /** Answer logits [B, answers] from the pooled pair [B, 2H]. */
  public NDArray vqaLogits(NDArray cls) {
    return vqa.forward(cls);
  }

  /** Token logits [..., vocab] from fused text tokens [..., H]. */
  public NDArray mlmLogits(NDArray text) {
    return mlm.forward(text);
  }

  @Override
  public NDArray pairVector(NDArray images, NDArray ids, NDArray atts) {
    return forward(images, ids, atts).cls();
  }

  @Override
  public List<String> answerVocabulary() {
    return cfg.answers();
  }

  public Fusion fusion() {
    return fusion;
  }

  @Override
  public MeterConfig config() {
    return cfg;
  }

  /**
   * METER's image tower from a CLIP's ({@code --init-from CLIP_FOLDER}), as the paper's best METER used CLIP's ViT: the
   * tower under timm's names needs {@code pre_norm} and the CLIP tower's shape. The text tower, fusion and heads stay
   * fresh.
   */
  @Override
  public String initFrom(ModelModule source, ai.djl.ndarray.NDManager manager) {
    if (!(source instanceof dev.vlt.models.clip.Clip clip)) {
      throw new IllegalArgumentException("METER starts its image tower from a CLIP, not from " + source.config().arch());
    }
    if (clip.config().quickGelu()) throw new IllegalArgumentException("the CLIP uses QuickGELU; METER's ViT blocks use exact GELU");
    VitConfig want = dev.vlt.models.vit.OpenClipTower.vitConfig(clip.config().vision());
    VitConfig have = cfg.vision();
    if (!have.preNorm() || have.width() != want.width() || have.depth() != want.depth() || have.heads() != want.heads()
        || have.patchSize() != want.patchSize() || have.imageSize() != want.imageSize() || have.mlpRatio() != want.mlpRatio()) {
      throw new IllegalArgumentException("METER's vision_cfg must match the CLIP's image tower to start from it (pre_norm true, "
          + "img_size " + want.imageSize() + ", patch_size " + want.patchSize() + ", embed_dim " + want.width() + ", depth "
          + want.depth() + ", num_heads " + want.heads() + ", mlp_ratio " + want.mlpRatio() + ")");
    }
    dev.vlt.models.vit.OpenClipTower.copy(clip.visual(), vit, manager);
    return "vit_model <- the CLIP's image tower";
  }
}
