package dev.vlt.models.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Linear;
import dev.vlt.nn.QkvAttention;
import dev.vlt.nn.SinCos;
import dev.vlt.nn.TubeMasking;
import dev.vlt.nn.VitBlock;
import dev.vlt.nn.VitBlocks;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * VideoMAE (Tong et al. 2022, MCG-NJU/VideoMAE's {@code PretrainVisionTransformer}): a masked autoencoder for clips. Tube
 * masking hides the same ~90 % of spatial positions in every frame; the {@link JointVit} encoder sees only the visible
 * tubelets; the decoder appends one mask token per hidden tubelet (no un-shuffling: visible tokens first, then masked,
 * each group in index order, every token carrying its own position) and predicts the hidden tubelets' pixels.
 *
 * <p>Keys are VideoMAE's: {@code encoder.*}, {@code encoder_to_decoder} (no bias), {@code mask_token},
 * {@code decoder.blocks.N}, {@code decoder.norm}, {@code decoder.head}. Neither sinusoid table is a key.
 */
public final class VideoMae extends Module {
  /** VideoMAE's decoder: blocks, then norm and head on the masked tokens only. */
  static final class Decoder extends Module {
    private final VitBlocks blocks;
    private final LayerNorm norm;
    private final Linear head;

    Decoder(int width, int depth, int heads, double mlpRatio, QkvAttention.Bias bias, int outputs) {
      blocks = child("blocks", new VitBlocks(width, depth, heads, mlpRatio, bias, 0.0));
      norm = child("norm", new LayerNorm(width, VitBlock.LAYER_NORM_EPS));
      head = child("head", new Linear(width, outputs));                          // [k_t·P·P·C, Wd]
    }

    /** x [B, V + M, Wd] → predictions for its last {@code last} tokens, [B, M, outputs]. */
    NDArray forward(NDArray x, long last, Trace trace) {
      x = blocks.forward(x, (i, out) -> trace.put("block." + i + "_out", out));
      x = norm.forward(x.get(new NDIndex(":, {}:", x.getShape().get(1) - last)));
      trace.put("norm_out", x);
      return head.forward(x);
    }
  }

  private final VideoMaeConfig cfg;
  private final JointVit encoder;
  private final Linear encoderToDecoder;
  private final Parameter maskToken;
  private final Decoder decoder;
  private final float[] decoderTable;

  public VideoMae(VideoMaeConfig cfg) {
    this.cfg = cfg;
    JointVitConfig enc = cfg.encoder();
    int wd = cfg.decoderWidth();
    encoder = child("encoder", new JointVit(enc));
    encoderToDecoder = child("encoder_to_decoder", new Linear(enc.width(), wd, false));
    maskToken = param("mask_token", Init.normal(0.02), 1, 1, wd);
    QkvAttention.Bias bias = enc.qkvBias() ? QkvAttention.Bias.QV : QkvAttention.Bias.NONE;
    decoder = child("decoder", new Decoder(wd, cfg.decoderDepth(), cfg.decoderHeads(), enc.mlpRatio(), bias, enc.tubeletDim()));
    decoderTable = SinCos.sinusoid(enc.tokens(), wd);
  }

  /**
   * videos [B, C, T, S, S] (normalised), mask [B, N] 0/1 (1 = masked, the same count in every sample;
   * {@link #masking} draws tube masks) → predictions for the masked tubelets. Traces VideoMAE's intermediates under
   * {@code encoder.}, {@code encoder_to_decoder_out} and {@code decoder.}.
   */
  public VideoMaeOutput forward(NDArray videos, NDArray mask, Trace trace) {
    TubeMasking.Indices tokens = TubeMasking.indices(mask);
    NDArray latent = encoder.forward(videos, tokens.visible(), trace.prefixed("encoder."));  // [B, V, W]
    NDArray y = encoderToDecoder.forward(latent);                                            // [B, V, Wd]
    trace.put("encoder_to_decoder_out", y);
    long b = y.getShape().get(0);
    long wd = y.getShape().get(2);
    NDArray table = decoderPositions(y).broadcast(b, cfg.encoder().tokens(), wd);             // [B, N, Wd]
    NDArray visible = y.add(Ops.gatherRows(table, tokens.visible()));
    NDArray masked = maskToken.value().add(Ops.gatherRows(table, tokens.masked()));           // [B, M, Wd]
    NDArray full = NDArrays.concat(new NDList(visible, masked), 1);                           // [B, V + M, Wd]
    Trace t = trace.prefixed("decoder.");
    t.put("x_full", full);
    NDArray pred = decoder.forward(full, masked.getShape().get(1), t);                       // [B, M, k_t·P·P·C]
    trace.put("pred", pred);
    return new VideoMaeOutput(latent, pred, tokens);
  }

  /** VideoMAE's tube masking for this model's token grid at its configured ratio. */
  public TubeMasking masking() {
    JointVitConfig e = cfg.encoder();
    return new TubeMasking(e.slots(), e.grid() * e.grid(), cfg.maskRatio());
  }

  /** The decoder's fixed sinusoid table [1, N, Wd], created in {@code like}'s manager. */
  public NDArray decoderPositions(NDArray like) {
    return like.getManager().create(decoderTable, new Shape(1, cfg.encoder().tokens(), cfg.decoderWidth()))
        .toType(like.getDataType(), false);
  }

  public JointVit encoder() {
    return encoder;
  }

  public VideoMaeConfig config() {
    return cfg;
  }
}
