package dev.vlt.data.image;

/**
 * Where {@link EvalTransform} puts an image of a given size: the affine map x' = x·sx + ox, y' = y·sy + oy from original
 * pixels to the model's S×S input (pixel edges, so box corners map exactly), for every resize mode: "squash" stretches,
 * "longest" fits the image inside and pads (nothing is lost), "shortest" fills and center-crops (boxes may leave the
 * frame). Boxes regressed in the input frame go back to the original image with {@link #toOriginal}.
 */
public record ImageGeometry(int width, int height, int size, double sx, double sy, double ox, double oy) {
  /** The geometry of {@code cfg}'s eval transform for a {@code width × height} image. */
  public static ImageGeometry of(int width, int height, PreprocessConfig cfg) {
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
    int s = cfg.imageSize();
    int rw;
    int rh;
    switch (cfg.resizeMode()) {
      case "squash" -> {
        return new ImageGeometry(width, height, s, (double) s / width, (double) s / height, 0, 0);
      }
      case "longest" -> {
        double ratio = Math.max((double) height / s, (double) width / s);
        rw = (int) Math.rint(width / ratio);
        rh = (int) Math.rint(height / ratio);
      }
      default -> {
        int[] r = EvalTransform.shortestSideSize(width, height, s);
        rw = r[0];
        rh = r[1];
      }
    }
    // the crop-or-pad of EvalTransform.centerCropOrPad: content starts at −left (padding) or is cut at left (crop)
    int left = (int) Math.rint((Math.max(rw, s) - s) / 2.0) - (rw < s ? (s - rw) / 2 : 0);
    int top = (int) Math.rint((Math.max(rh, s) - s) / 2.0) - (rh < s ? (s - rh) / 2 : 0);
    return new ImageGeometry(width, height, s, (double) rw / width, (double) rh / height, -left, -top);
  }

  /** A corner box (x0, y0, x1, y1) in original pixels → the same box in input pixels (not clamped). */
  public float[] toInput(float[] xyxy) {
    return new float[] {(float) (xyxy[0] * sx + ox), (float) (xyxy[1] * sy + oy), (float) (xyxy[2] * sx + ox),
        (float) (xyxy[3] * sy + oy)};
  }

  /** A corner box in input pixels → original pixels, clamped to the image. */
  public float[] toOriginal(float[] xyxy) {
    return new float[] {clamp((xyxy[0] - ox) / sx, width), clamp((xyxy[1] - oy) / sy, height), clamp((xyxy[2] - ox) / sx, width),
        clamp((xyxy[3] - oy) / sy, height)};
  }

  private static float clamp(double v, int max) {
    return (float) Math.max(0, Math.min(max, v));
  }
}
