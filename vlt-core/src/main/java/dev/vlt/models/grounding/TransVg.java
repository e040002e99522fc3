package dev.vlt.models.grounding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.vlt.models.GroundingModel;
import dev.vlt.models.ModelModule;
import dev.vlt.models.bert.BertTextEncoder;
import dev.vlt.models.vit.Vit;
import dev.vlt.nn.Linear;
import dev.vlt.nn.PostNormEncoder;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * TransVG (Deng et al. 2021, "TransVG: End-to-End Visual Grounding with Transformers"): the ViT's patch tokens and BERT's
 * word tokens are projected to one width ({@code visu_proj}, {@code text_proj}), a learnable [REG] token is put in front,
 * each of the 1 + L + N positions gets a learned embedding ({@code vl_pos_embed}), and a visual-linguistic transformer
 * ({@code vl_transformer}, post-norm as DETR's encoder) fuses them; {@code bbox_embed} regresses the box from [REG]'s
 * output. Names follow the released code. Differences: a ViT replaces DETR's ResNet + transformer visual branch; both
 * encoders are trained from scratch here (the paper starts from DETR and BERT weights); positions are added once at the
 * input rather than to queries and keys in every layer; with {@code box_anchor} (the small configs) the box centre is
 * regressed around a reference point [REG] picks among the fused patches ({@link PatchAnchor}), without which the model
 * trained from scratch here stayed at the mean box.
 */
public final class TransVg extends Module implements GroundingModel, ModelModule {
  private final TransVgConfig cfg;
  private final Vit visual;
  private final BertTextEncoder text;
  private final Linear visuProj;
  private final Linear textProj;
  private final Parameter regToken;
  private final Parameter vlPosEmbed;
  private final PostNormEncoder vlTransformer;
  private final BoxHead bboxEmbed;
  private final PatchAnchor anchor;

  public TransVg(TransVgConfig cfg) {
    this.cfg = cfg;
    int d = cfg.fusion().hiddenSize();
    visual = child("visumodel", new Vit(cfg.towers().vision()));
    text = child("textmodel", new BertTextEncoder(cfg.towers().text()));
    visuProj = child("visu_proj", new Linear(cfg.towers().vision().width(), d));
    textProj = child("text_proj", new Linear(cfg.towers().text().hiddenSize(), d));
    regToken = param("reg_token", Init.normal(0.02), 1, 1, d);                       // nn.Embedding(1, D) in the release
    vlPosEmbed = param("vl_pos_embed", Init.normal(0.02), 1, cfg.fusedTokens(), d);  // nn.Embedding(1 + L + N, D)
    vlTransformer = child("vl_transformer", new PostNormEncoder(d, cfg.fusion().layers(), cfg.fusion().heads(),
        cfg.fusion().intermediateSize(), cfg.fusion().layerNormEps()));
    bboxEmbed = child("bbox_embed", new BoxHead(d, d));
    anchor = cfg.towers().boxAnchor() ? child("box_anchor", new PatchAnchor(d, cfg.towers().vision().grid())) : null;
  }

  @Override
  public GroundingOutput ground(NDArray images, NDArray ids) {
    return new GroundingOutput(forward(images, ids), null);
  }

  /** images [B, 3, S, S], ids [B, L] → boxes [B, 4], normalised (cx, cy, w, h). */
  public NDArray forward(NDArray images, NDArray ids) {
    long b = images.getShape().get(0);
    NDArray keep = ids.neq(padId()).toType(DataType.INT64, false);                                    // [B, L]
    NDArray patches = visual.forwardFeatures(images, Trace.NONE).get(new NDIndex(":, 1:"));          // [B, N, Wv]
    NDArray visu = visuProj.forward(patches);                                                        // [B, N, D]
    NDArray words = textProj.forward(text.forward(ids, keep));                                       // [B, L, D]
    NDArray reg = regToken.value().repeat(0, b);                                                     // [B, 1, D]
    NDArray x = NDArrays.concat(new NDList(reg, words, visu), 1).add(vlPosEmbed.value());            // [B, 1+L+N, D]
    NDArray ones = keep.getManager().ones(new ai.djl.ndarray.types.Shape(b, 1), DataType.INT64);
    NDArray visible = NDArrays.concat(new NDList(ones, keep, ones.repeat(1, visu.getShape().get(1))), 1);
    NDArray h = vlTransformer.forward(x, Ops.keyPaddingMask(visible, x.getDataType()));
    NDArray regOut = h.get(new NDIndex(":, 0"));                                                    // [B, D]
    if (anchor == null) return bboxEmbed.forward(regOut);
    NDArray fusedPatches = h.get(new NDIndex(":, {}:", 1 + ids.getShape().get(1)));                  // [B, N, D]
    return bboxEmbed.forward(regOut, anchor.forward(regOut, fusedPatches));
  }

  @Override
  public int padId() {
    return cfg.towers().text().embeddings().padId();
  }

  @Override
  public TransVgConfig config() {
    return cfg;
  }
}
