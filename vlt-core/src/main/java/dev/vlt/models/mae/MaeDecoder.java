package dev.vlt.models.mae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Linear;
import dev.vlt.nn.QkvAttention;
import dev.vlt.nn.SinCos;
import dev.vlt.nn.VitBlock;
import dev.vlt.nn.VitBlocks;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * MAE's light decoder ({@code forward_decoder}): the encoded tokens of the visible patches are projected to the decoder
 * width, every removed patch gets the shared {@code mask_token}, all are put back in image order with fixed 2-D sin-cos
 * positions, and a few blocks predict each patch's pixels. Its keys ({@code decoder_embed}, {@code mask_token},
 * {@code decoder_pos_embed}, {@code decoder_blocks}, {@code decoder_norm}, {@code decoder_pred}) sit at its owner's root:
 * {@link Mae} and VLC's masked image modeling (which decodes the fused image tokens) both inline it.
 */
public final class MaeDecoder extends Module {
  private final Linear decoderEmbed;
  private final Parameter maskToken;
  private final Parameter decoderPosEmbed;
  private final VitBlocks decoderBlocks;
  private final LayerNorm decoderNorm;
  private final Linear decoderPred;

  /**
   * @param inWidth the width of the tokens it decodes (the encoder's); {@code cfg} gives the decoder's own shape, the grid
   *     and the values per patch
   */
  public MaeDecoder(int inWidth, MaeConfig cfg) {
    int wd = cfg.decoderWidth();
    decoderEmbed = child("decoder_embed", new Linear(inWidth, wd));                    // [Wd, W]
    maskToken = param("mask_token", Init.normal(0.02), 1, 1, wd);
    decoderPosEmbed = param("decoder_pos_embed", new Init.Values(SinCos.grid2d(wd, cfg.grid(), true)), 1, 1 + cfg.patches(), wd);
    decoderPosEmbed.setFrozen(true);                                                       // fixed, as the encoder's
    decoderBlocks = child("decoder_blocks",
        new VitBlocks(wd, cfg.decoderDepth(), cfg.decoderHeads(), cfg.mlpRatio(), QkvAttention.Bias.QKV, 0.0));
    decoderNorm = child("decoder_norm", new LayerNorm(wd, VitBlock.LAYER_NORM_EPS));
    decoderPred = child("decoder_pred", new Linear(wd, cfg.patchDim()));                  // [p·p·C, Wd]
  }

  /**
   * latent [B, 1 + K, W] (row 0 a class token, row 1 + j the j-th kept patch in idsKeep order), idsRestore [B, L] →
   * pixel predictions [B, L, p·p·C] in image order. Traces MAE's decoder intermediates under {@code decoder.}.
   */
  public NDArray forward(NDArray latent, NDArray idsRestore, Trace trace) {
    Trace t = trace.prefixed("decoder.");
    NDArray y = decoderEmbed.forward(latent);                                             // [B, 1+K, Wd]
    t.put("embed_out", y);
    long b = y.getShape().get(0);
    long k = y.getShape().get(1) - 1;
    long l = idsRestore.getShape().get(1);
    long wd = y.getShape().get(2);
    NDArray maskTokens = maskToken.value().broadcast(b, l - k, wd);                       // [B, L-K, Wd]
    NDArray shuffled = NDArrays.concat(new NDList(y.get(new NDIndex(":, 1:")), maskTokens), 1); // [B, L, Wd], shuffled order
    NDArray restored = Ops.gatherRows(shuffled, idsRestore);              // [B, L, Wd], image order
    NDArray x = NDArrays.concat(new NDList(y.get(new NDIndex(":, :1")), restored), 1).add(decoderPosEmbed.value());
    t.put("blocks_in", x);                                                                // [B, 1+L, Wd]
    x = decoderBlocks.forward(x, (i, out) -> t.put("block." + i + "_out", out));
    x = decoderNorm.forward(x);
    t.put("norm_out", x);
    x = decoderPred.forward(x);                                                           // [B, 1+L, p·p·C]
    t.put("pred_full", x);
    NDArray pred = x.get(new NDIndex(":, 1:"));                                           // drop the class token's row
    trace.put("pred", pred);
    return pred;
  }
}
