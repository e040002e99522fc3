package dev.vlt.data.image;

import java.util.SplittableRandom;

/**
 * open_clip's eval transform ({@code image_transform(S, is_train=False)}), reproduced to the bit on torchvision 0.14 /
 * Pillow 9.4: resize in the source mode (Pillow's integer resampler), center crop (padding with 0 where the image is
 * smaller), {@code convert('RGB')} after the crop, then ToTensor and Normalize in float32.
 */
public final class EvalTransform implements ImageTransform {
  private final PreprocessConfig cfg;
  private final PillowResize.Filter filter;
  private final float[] mean;
  private final float[] std;

  public EvalTransform(PreprocessConfig cfg) {
    this.cfg = cfg;
    this.filter = cfg.filter();
    this.mean = cfg.mean();
    this.std = cfg.std();
  }

  public PreprocessConfig config() {
    return cfg;
  }

  @Override
  public int imageSize() {
    return cfg.imageSize();
  }

  /** @return [3, S, S] normalised pixels, channel-major */
  public float[] apply(Raster8 image) {
    float[] out = new float[3 * cfg.imageSize() * cfg.imageSize()];
    applyInto(image, out, 0, null);
    return out;
  }

  @Override
  public void applyInto(Raster8 image, float[] dst, int offset, SplittableRandom rng) {
    ImageTransform.normalizeInto(rgb(image), mean, std, dst, offset);
  }

  /** @return the RGB uint8 image after resize, crop and conversion: [S, S, 3] interleaved (open_clip before ToTensor) */
  public byte[] rgbUint8(Raster8 image) {
    return rgb(image).pixels();
  }

  private Raster8 rgb(Raster8 image) {
    int s = cfg.imageSize();
    int w = image.width();
    int h = image.height();
    Raster8 out = switch (cfg.resizeMode()) {
      case "squash" -> PillowResize.resize(image, s, s, filter);
      case "longest" -> {
        // open_clip ResizeKeepRatio(longest=1): ratio = max(h/S, w/S), sides round(x / ratio) (half to even).
        double ratio = Math.max((double) h / s, (double) w / s);
        yield resizeThenCenter(image, (int) Math.rint(w / ratio), (int) Math.rint(h / ratio), s);
      }
      default -> {
        int[] size = shortestSideSize(w, h, s);
        yield resizeThenCenter(image, size[0], size[1], s);
      }
    };
    return out.toRgb();
  }

  /**
   * torchvision's {@code Resize(S)} output size {width, height}: the short side becomes S, the long side
   * {@code int(S * long / short)}, truncated (640×427 → 95×64, not 96).
   */
  public static int[] shortestSideSize(int w, int h, int s) {
    if (w <= h) return new int[] {s, (int) ((double) s * h / w)};
    return new int[] {(int) ((double) s * w / h), s};
  }

  /** Resize to {@code rw × rh}, then the S×S center: computed as one region when no padding is needed. */
  private Raster8 resizeThenCenter(Raster8 image, int rw, int rh, int s) {
    if (rw < s || rh < s) return centerCropOrPad(PillowResize.resize(image, rw, rh, filter), s);
    int left = (int) Math.rint((rw - s) / 2.0);
    int top = (int) Math.rint((rh - s) / 2.0);
    return PillowResize.resizeRegion(image, rw, rh, filter, left, top, s, s);
  }

  /**
   * torchvision's {@code center_crop} (and open_clip's {@code center_crop_or_pad}): pad with 0 to at least S×S, split
   * (d // 2, (d + 1) // 2), then crop at {@code round((H - S) / 2)}, Python's round-half-to-even.
   */
  static Raster8 centerCropOrPad(Raster8 img, int s) {
    int padLeft = img.width() < s ? (s - img.width()) / 2 : 0;
    int padTop = img.height() < s ? (s - img.height()) / 2 : 0;
    int paddedW = Math.max(img.width(), s);
    int paddedH = Math.max(img.height(), s);
    int left = (int) Math.rint((paddedW - s) / 2.0) - padLeft;
    int top = (int) Math.rint((paddedH - s) / 2.0) - padTop;
    return img.crop(left, top, s, s);
  }
}
