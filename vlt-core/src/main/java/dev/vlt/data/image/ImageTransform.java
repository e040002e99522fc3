package dev.vlt.data.image;

import java.util.SplittableRandom;

/** Decoded image → normalised CHW float pixels of a fixed size, as open_clip's preprocess produces them. */
public interface ImageTransform {
  /** The output side S: {@link #applyInto} writes {@code 3·S·S} floats. */
  int imageSize();

  /**
   * Writes the [3, S, S] tensor (channel-major) of {@code image} into {@code dst} at {@code offset}. {@code rng} drives the
   * random augmentation; deterministic transforms ignore it.
   */
  void applyInto(Raster8 image, float[] dst, int offset, SplittableRandom rng);

  /** ToTensor then Normalize, in float32 exactly as torch computes it: {@code ((float) u8 / 255f - mean) / std}. */
  static void normalizeInto(Raster8 rgb, float[] mean, float[] std, float[] dst, int offset) {
    if (rgb.mode() != Raster8.Mode.RGB) throw new IllegalArgumentException("normalize needs an RGB raster, got " + rgb.mode());
    int plane = rgb.width() * rgb.height();
    byte[] px = rgb.pixels();
    for (int c = 0; c < 3; c++) {
      float[] lut = new float[256];
      for (int v = 0; v < 256; v++) lut[v] = ((float) v / 255f - mean[c]) / std[c];
      int o = offset + c * plane;
      for (int i = 0; i < plane; i++) dst[o + i] = lut[px[i * 3 + c] & 0xFF];
    }
  }
}
