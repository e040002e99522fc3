package dev.vlt.models.coca;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.Activation;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.ResidualBlock;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * CoCa's multimodal text decoder (open_clip's MultimodalTransformer): per layer a causal self-attention block
 * ({@code resblocks.N}) then a cross-attention block over the image tokens ({@code cross_attn.N}, with {@code ln_1_kv}),
 * then ln_final and a projection to the vocabulary.
 */
public final class MultimodalDecoder extends Module {
  private final ModuleList<ResidualBlock> resblocks;
  private final ModuleList<ResidualBlock> crossAttn;
  private final LayerNorm lnFinal;
  private final Parameter textProjection;
  private final int contextLength;

  public MultimodalDecoder(DecoderConfig cfg, int vocabSize, Activation act) {
    int w = cfg.width();
    contextLength = cfg.contextLength();
    resblocks = child("resblocks", new ModuleList<>());
    crossAttn = child("cross_attn", new ModuleList<>());
    for (int i = 0; i < cfg.layers(); i++) {
      resblocks.add(new ResidualBlock(w, cfg.heads(), DecoderConfig.MLP_RATIO, act));
      crossAttn.add(new ResidualBlock(w, cfg.heads(), DecoderConfig.MLP_RATIO, act, true, 0.0));
    }
    lnFinal = child("ln_final", new LayerNorm(w));
    // open_clip leaves this torch.empty (its init is never called); W^-0.5 is the value its init method intends
    textProjection = param("text_projection", Init.normal(Math.pow(w, -0.5)), w, vocabSize); // [in, out]: x @ W
  }

  /** imageTokens: [B, S, W]; textTokens: [B, L, W] → next-token logits [B, L, vocab]. */
  public NDArray forward(NDArray imageTokens, NDArray textTokens, Trace trace) {
    int l = Math.toIntExact(textTokens.getShape().get(1));
    if (l > contextLength) {
      throw new IllegalArgumentException("decoder input of " + l + " tokens exceeds multimodal_cfg.context_length " + contextLength);
    }
    NDArray mask = Ops.causalMask(textTokens.getManager(), l, textTokens.getDataType());
    trace.put("decoder.self_attn_mask", mask);
    NDArray x = textTokens;
    for (int i = 0; i < resblocks.size(); i++) {
      x = resblocks.get(i).forward(x, mask);
      trace.put("decoder." + i + ".self_attn_block_out", x);
      x = crossAttn.get(i).forward(x, imageTokens, null);
      trace.put("decoder." + i + ".cross_attn_block_out", x);
    }
    trace.put("decoder.ln_final_in", x);
    x = lnFinal.forward(x);
    trace.put("decoder.ln_final_out", x);
    return x.matMul(textProjection.value());
  }
}
