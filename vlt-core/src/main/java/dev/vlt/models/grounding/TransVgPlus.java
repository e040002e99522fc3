package dev.vlt.models.grounding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.vlt.models.GroundingModel;
import dev.vlt.models.ModelModule;
import dev.vlt.models.bert.BertTextEncoder;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.nn.Activation;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Linear;
import dev.vlt.nn.QkvAttention;
import dev.vlt.nn.ResidualBlock;
import dev.vlt.nn.VitBlock;
import dev.vlt.nn.VitEmbed;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Trace;
import java.util.List;

/**
 * TransVG++ (Deng et al. 2023, "TransVG++: End-to-End Visual Grounding with Language Conditioned Vision Transformer"):
 * one ViT does the fusion. Its class-token slot holds the [REG] token ({@code cls_token}, with its position row); after
 * each block of {@code language_layers}, a language block ({@code language_blocks.K}: pre-norm cross-attention from
 * every visual token to the projected BERT tokens, then an MLP) conditions the visual tokens on the expression; the box MLP
 * reads [REG] after the final norm. The paper's language prompter/adapter choices and its gain from pretrained ViT layers
 * are not reproduced: here both encoders are trained from scratch. With {@code box_anchor} (the small configs) the box centre
 * is regressed around a reference point [REG] picks among the patch tokens ({@link PatchAnchor}), as for TransVG.
 */
public final class TransVgPlus extends Module implements GroundingModel, ModelModule {
  private final TransVgPlusConfig cfg;
  private final VitEmbed embed;
  private final ModuleList<VitBlock> blocks;
  private final LayerNorm norm;
  private final BertTextEncoder text;
  private final Linear textProj;
  private final ModuleList<ResidualBlock> languageBlocks;
  private final BoxHead bboxEmbed;
  private final PatchAnchor anchor;

  public TransVgPlus(TransVgPlusConfig cfg) {
    this.cfg = cfg;
    VitConfig v = cfg.towers().vision();
    int w = v.width();
    embed = inline(VitEmbed.image(v.inChans(), w, v.imageSize(), v.patchSize(), true, v.positions()));
    blocks = child("blocks", new ModuleList<>());
    QkvAttention.Bias bias = v.qkvBias() ? QkvAttention.Bias.QKV : QkvAttention.Bias.NONE;
    for (int i = 0; i < v.depth(); i++) blocks.add(new VitBlock(w, v.heads(), v.mlpRatio(), bias, 0.0));
    norm = child("norm", new LayerNorm(w, VitBlock.LAYER_NORM_EPS));
    text = child("textmodel", new BertTextEncoder(cfg.towers().text()));
    textProj = child("text_proj", new Linear(cfg.towers().text().hiddenSize(), w));
    languageBlocks = child("language_blocks", new ModuleList<>());
    for (int i = 0; i < cfg.languageLayers().size(); i++) {
      languageBlocks.add(new ResidualBlock(w, v.heads(), v.mlpRatio(), Activation.GELU, true, 0.0));
    }
    bboxEmbed = child("bbox_embed", new BoxHead(w, w));
    anchor = cfg.towers().boxAnchor() ? child("box_anchor", new PatchAnchor(w, v.grid())) : null;
  }

  @Override
  public GroundingOutput ground(NDArray images, NDArray ids) {
    return new GroundingOutput(forward(images, ids), null);
  }

  /** images [B, 3, S, S], ids [B, L] → boxes [B, 4], normalised (cx, cy, w, h). */
  public NDArray forward(NDArray images, NDArray ids) {
    NDArray keep = ids.neq(padId()).toType(DataType.INT64, false);                          // [B, L]
    NDArray words = textProj.forward(text.forward(ids, keep));                             // [B, L, W]
    NDArray textMask = Ops.keyPaddingMask(keep, words.getDataType());                      // [B, 1, 1, L]
    NDArray x = embed.forward(images, Trace.NONE);                                         // [B, 1 + N, W], [REG] first
    List<Integer> at = cfg.languageLayers();
    for (int i = 0, k = 0; i < blocks.size(); i++) {
      x = blocks.get(i).forward(x, null);
      if (k < at.size() && at.get(k) == i) x = languageBlocks.get(k++).forward(x, words, textMask);
    }
    NDArray h = norm.forward(x);                                                           // [B, 1 + N, W]
    NDArray reg = h.get(new NDIndex(":, 0"));                                              // [B, W]
    if (anchor == null) return bboxEmbed.forward(reg);
    return bboxEmbed.forward(reg, anchor.forward(reg, h.get(new NDIndex(":, 1:"))));
  }

  @Override
  public int padId() {
    return cfg.towers().text().embeddings().padId();
  }

  @Override
  public TransVgPlusConfig config() {
    return cfg;
  }
}
