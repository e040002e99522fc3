package dev.vlt.nn;

import ai.djl.ndarray.NDArray;

/**
 * Pixels cut into patch vectors for masked-modeling targets, in the references' order: patches row-major over the grid,
 * and inside a patch the pixels row-major with the channel fastest. This differs from a patch stem's weight, which
 * flattens a patch channel-slowest ((c, py, px)).
 */
public final class Patches {
  private Patches() {}

  /** MAE's {@code patchify}: images [B, C, H, W] → [B, (H/p)·(W/p), p·p·C], index (py·p + px)·C + c inside a patch. */
  public static NDArray patchify(NDArray images, int p) {
    long b = images.getShape().get(0);
    long c = images.getShape().get(1);
    long h = checkDivisible(images.getShape().get(2), p);
    long w = checkDivisible(images.getShape().get(3), p);
    return images.reshape(b, c, h, p, w, p)
        .transpose(0, 2, 4, 3, 5, 1)                                             // [B, h, w, py, px, C]
        .reshape(b, h * w, (long) p * p * c);
  }

  /** The inverse of {@link #patchify} for a square grid: [B, g², p·p·C] → [B, C, g·p, g·p]. */
  public static NDArray unpatchify(NDArray patches, int p, int channels) {
    long b = patches.getShape().get(0);
    long l = patches.getShape().get(1);
    long g = Math.round(Math.sqrt(l));
    if (g * g != l) throw new IllegalArgumentException("unpatchify needs a square grid, got " + l + " patches");
    if (patches.getShape().get(2) != (long) p * p * channels) {
      throw new IllegalArgumentException("patch vectors of " + patches.getShape().get(2) + " values are not " + p + "·" + p
          + "·" + channels);
    }
    return patches.reshape(b, g, g, p, p, channels)
        .transpose(0, 5, 1, 3, 2, 4)                                             // [B, C, h, py, w, px]
        .reshape(b, channels, g * p, g * p);
  }

  /**
   * VideoMAE's label layout ({@code b c (t p0) (h p1) (w p2) -> b (t h w) (p0 p1 p2) c}): video [B, C, T, H, W] →
   * [B, N, kt·p·p, C], tubelets ordered (t', h', w') row-major, pixels (kt, py, px) row-major, channels last. Kept
   * 4-D so targets can be normalised per channel before they are flattened to [B, N, kt·p·p·C].
   */
  public static NDArray tubelets(NDArray video, int kt, int p) {
    long b = video.getShape().get(0);
    long c = video.getShape().get(1);
    long t = checkDivisible(video.getShape().get(2), kt);
    long h = checkDivisible(video.getShape().get(3), p);
    long w = checkDivisible(video.getShape().get(4), p);
    return video.reshape(b, c, t, kt, h, p, w, p)
        .transpose(0, 2, 4, 6, 3, 5, 7, 1)                                       // [B, t, h, w, kt, py, px, C]
        .reshape(b, t * h * w, (long) kt * p * p, c);
  }

  private static long checkDivisible(long size, int patch) {
    if (size % patch != 0) throw new IllegalArgumentException("size " + size + " is not divisible by the patch size " + patch);
    return size / patch;
  }
}
