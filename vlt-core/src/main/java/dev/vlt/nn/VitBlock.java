package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;

/**
 * timm's pre-norm ViT block: x + attn(norm1 x), then x + mlp(norm2 x), with keys {@code norm1}, {@code attn.qkv},
 * {@code attn.proj}, {@code norm2}, {@code mlp.fc1}, {@code mlp.fc2}. The math of {@link ResidualBlock} (open_clip's
 * names); this layout is shared by timm's ViT, MAE's encoder and decoder, VideoMAE and TimeSformer. No LayerScale.
 */
public final class VitBlock extends Module {
  /** The LayerNorm eps of timm's ViTs and of the MAE, VideoMAE and TimeSformer factories (torch's default is 1e-5). */
  public static final double LAYER_NORM_EPS = 1e-6;

  private final LayerNorm norm1;
  private final QkvAttention attn;
  private final LayerNorm norm2;
  private final Mlp mlp;
  private final DropPath dropPath;

  public VitBlock(int width, int heads, double mlpRatio, QkvAttention.Bias bias, double dropPath) {
    norm1 = child("norm1", new LayerNorm(width, LAYER_NORM_EPS));
    attn = child("attn", QkvAttention.timm(width, heads, bias));              // qkv [3W, W], proj
    norm2 = child("norm2", new LayerNorm(width, LAYER_NORM_EPS));
    mlp = child("mlp", Mlp.timm(width, (int) (width * mlpRatio), Activation.GELU)); // fc1, fc2
    this.dropPath = child("drop_path", new DropPath(dropPath));                // no parameters
  }

  /** x: [B, N, W] → [B, N, W]; mask additive or null. */
  public NDArray forward(NDArray x, NDArray mask) {
    x = x.add(dropPath.forward(attn.forward(norm1.forward(x), mask)));
    return x.add(dropPath.forward(mlp.forward(norm2.forward(x))));
  }
}
