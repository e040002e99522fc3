package dev.vlt.models.flava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.vlt.nn.PatchEmbed;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;

/**
 * FLAVA's image encoder ({@code image_encoder}): a ViT whose patch embeddings can be replaced by a learned
 * {@code mask_token} at masked places (BEiT-style masked image modeling), then the pre-norm {@link FlavaEncoder}.
 * Keys: {@code embeddings.{cls_token, position_embeddings, mask_token, patch_embeddings.projection.*}}, then the
 * encoder's. No LayerNorm on the embeddings.
 */
final class ImageEncoder extends Module {
  private final Embeddings embeddings;
  private final FlavaEncoder encoder;

  ImageEncoder(FlavaConfig cfg) {
    embeddings = child("embeddings", new Embeddings(cfg));
    encoder = inline(new FlavaEncoder(cfg.image()));
  }

  /** image [B, C, S, S] normalised, patchMask [B, N] (1 = masked) or null → the encoder's output over 1 + N tokens. */
  FlavaOutput forward(NDArray image, NDArray patchMask) {
    return encoder.forward(embeddings.forward(image, patchMask), null);
  }

  private static final class Embeddings extends Module {
    private final Parameter clsToken;
    private final Parameter positions;
    private final Parameter maskToken;
    private final PatchEmbed projection;

    Embeddings(FlavaConfig cfg) {
      int w = cfg.image().hidden();
      int n = cfg.patches();
      clsToken = param("cls_token", Init.normal(0.02), 1, 1, w);
      positions = param("position_embeddings", Init.normal(0.02), 1, 1 + n, w);
      maskToken = param("mask_token", Init.normal(0.02), 1, 1, w);
      projection = child("patch_embeddings", new Nest<>("projection",
          new PatchEmbed(cfg.numChannels(), w, cfg.patchSize(), true))).inner;                // weight [W, C, P, P], bias
    }

    NDArray forward(NDArray image, NDArray patchMask) {
      NDArray e = projection.forward(image);                                      // [B, W, g, g]
      long b = e.getShape().get(0);
      long w = e.getShape().get(1);
      e = e.reshape(b, w, -1).transpose(0, 2, 1);                                 // [B, N, W], row-major patches
      if (patchMask != null) {
        NDArray m = patchMask.toType(e.getDataType(), false).expandDims(-1);      // [B, N, 1]
        e = e.mul(m.neg().add(1)).add(maskToken.value().mul(m));
      }
      NDArray cls = clsToken.value().broadcast(b, 1, w);
      return NDArrays.concat(new NDList(cls, e), 1).add(positions.value());       // [B, 1 + N, W]
    }
  }
}
