package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.vlt.nn.Activation;
import dev.vlt.nn.Attention;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Mlp;
import dev.vlt.nn.PatchEmbed;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * ALBEF's image tower (torchmultimodal's ALBEFVisionEncoder): torchvision's VisionTransformer up to its final norm, every
 * token returned. Keys below {@code encoder.}: {@code class_token} [1, 1, W], {@code conv_proj} (with bias), and under a
 * second {@code encoder.}: {@code pos_embedding} [1, 1+g², W], pre-norm blocks {@code layers.encoder_layer_N} (ln_1,
 * self_attention as torch.nn.MultiheadAttention, ln_2, mlp.0 / mlp.3) and the final {@code ln}. No ln_pre, no head.
 */
public final class VisionEncoder extends Module {
  private final VisionEncoderConfig cfg;
  private final Vit encoder;

  public VisionEncoder(VisionEncoderConfig cfg) {
    this.cfg = cfg;
    encoder = child("encoder", new Vit(cfg));
  }

  /** images [B, 3, S, S] → tokens [B, 1 + g², W] after the final LayerNorm, the class token first. */
  public NDArray forward(NDArray images) {
    return encoder.forward(images);
  }

  public VisionEncoderConfig config() {
    return cfg;
  }

  /** torchvision's VisionTransformer (the feature extractor keeps its attribute names). */
  private static final class Vit extends Module {
    private final int width;
    private final Parameter classToken;
    private final PatchEmbed convProj;
    private final Blocks encoder;

    Vit(VisionEncoderConfig cfg) {
      width = cfg.hiddenSize();
      classToken = param("class_token", Init.ZEROS, 1, 1, width);                    // torchvision: zeros
      convProj = child("conv_proj", new PatchEmbed(3, width, cfg.patchSize(), true));
      encoder = child("encoder", new Blocks(cfg));
    }

    NDArray forward(NDArray images) {
      NDArray x = convProj.forward(images);                                          // [B, W, g, g]
      long b = x.getShape().get(0);
      x = x.reshape(b, width, -1).transpose(0, 2, 1);                                // [B, g², W], row-major grid
      NDArray cls = classToken.value().repeat(0, b);                                 // [B, 1, W]
      return encoder.forward(NDArrays.concat(new NDList(cls, x), 1));
    }
  }

  /** torchvision's Encoder: positional embedding, the blocks, the final norm. */
  private static final class Blocks extends Module {
    private final Parameter posEmbedding;
    private final Layers layers;
    private final LayerNorm ln;

    Blocks(VisionEncoderConfig cfg) {
      int w = cfg.hiddenSize();
      posEmbedding = param("pos_embedding", Init.normal(0.02), 1, (long) cfg.grid() * cfg.grid() + 1, w);
      layers = child("layers", new Layers(cfg));
      ln = child("ln", new LayerNorm(w, cfg.layerNormEps()));
    }

    NDArray forward(NDArray x) {
      x = x.add(posEmbedding.value());
      for (Block block : layers.blocks) x = block.forward(x);
      return ln.forward(x);
    }
  }

  /** torchvision names its blocks {@code encoder_layer_N} (an OrderedDict), not 0, 1, … */
  private static final class Layers extends Module {
    private final List<Block> blocks = new ArrayList<>();

    Layers(VisionEncoderConfig cfg) {
      for (int i = 0; i < cfg.layers(); i++) blocks.add(child("encoder_layer_" + i, new Block(cfg)));
    }
  }

  /** torchvision's EncoderBlock: x + attn(ln_1 x), then x + mlp(ln_2 x). */
  private static final class Block extends Module {
    private final LayerNorm ln1;
    private final Attention selfAttention;
    private final LayerNorm ln2;
    private final Mlp mlp;

    Block(VisionEncoderConfig cfg) {
      int w = cfg.hiddenSize();
      ln1 = child("ln_1", new LayerNorm(w, cfg.layerNormEps()));
      selfAttention = child("self_attention", new Attention(w, cfg.heads()));          // in_proj_weight [3W, W], out_proj
      ln2 = child("ln_2", new LayerNorm(w, cfg.layerNormEps()));
      mlp = child("mlp", Mlp.torchvision(w, cfg.mlpDim(), Activation.GELU));          // 0, 3
    }

    NDArray forward(NDArray x) {
      x = x.add(selfAttention.forward(ln1.forward(x), null));
      return x.add(mlp.forward(ln2.forward(x)));
    }
  }
}
