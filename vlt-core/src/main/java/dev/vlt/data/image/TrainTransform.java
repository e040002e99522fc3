package dev.vlt.data.image;

import java.util.SplittableRandom;

/**
 * open_clip's train transform: torchvision {@code RandomResizedCrop(S, scale, ratio=(3/4, 4/3), BICUBIC)}, then
 * {@code convert('RGB')}, ToTensor and Normalize. open_clip's default scale range is (0.9, 1.0). The random draws come from
 * the caller's {@link SplittableRandom}, so a loader can give each sample its own seeded stream.
 */
public final class TrainTransform implements ImageTransform {
  /** torchvision's default aspect-ratio range. */
  public static final double MIN_RATIO = 3.0 / 4.0;
  public static final double MAX_RATIO = 4.0 / 3.0;

  private final PreprocessConfig cfg;
  private final double minScale;
  private final double maxScale;
  private final float[] mean;
  private final float[] std;

  /** A crop box in source pixels. */
  public record Box(int left, int top, int width, int height) {}

  public TrainTransform(PreprocessConfig cfg, double minScale, double maxScale) {
    if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
      throw new IllegalArgumentException("scale range must satisfy 0 < min <= max <= 1, got (" + minScale + ", " + maxScale + ")");
    }
    this.cfg = cfg;
    this.minScale = minScale;
    this.maxScale = maxScale;
    this.mean = cfg.mean();
    this.std = cfg.std();
  }

  /** open_clip's default augmentation: scale (0.9, 1.0). */
  public TrainTransform(PreprocessConfig cfg) {
    this(cfg, 0.9, 1.0);
  }

  @Override
  public int imageSize() {
    return cfg.imageSize();
  }

  @Override
  public void applyInto(Raster8 image, float[] dst, int offset, SplittableRandom rng) {
    ImageTransform.normalizeInto(rgb(image, rng), mean, std, dst, offset);
  }

  /** The augmented RGB image, S×S. open_clip's train crop always resizes with bicubic, whatever the config says. */
  public Raster8 rgb(Raster8 image, SplittableRandom rng) {
    Box b = sampleBox(image.width(), image.height(), minScale, maxScale, rng);
    Raster8 crop = image.crop(b.left(), b.top(), b.width(), b.height());
    return PillowResize.resize(crop, cfg.imageSize(), cfg.imageSize(), PillowResize.Filter.BICUBIC).toRgb();
  }

  /**
   * torchvision's {@code RandomResizedCrop.get_params}: ten tries at an area fraction in [minScale, maxScale] and a
   * log-uniform aspect ratio; if none fits, a center crop clamped to the ratio range.
   */
  public static Box sampleBox(int width, int height, double minScale, double maxScale, SplittableRandom rng) {
    double area = (double) width * height;
    double logMin = Math.log(MIN_RATIO);
    double logMax = Math.log(MAX_RATIO);
    for (int attempt = 0; attempt < 10; attempt++) {
      double targetArea = area * uniform(rng, minScale, maxScale);
      double aspect = Math.exp(uniform(rng, logMin, logMax));
      int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
      int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        int top = rng.nextInt(height - h + 1);
        int left = rng.nextInt(width - w + 1);
        return new Box(left, top, w, h);
      }
    }
    double inRatio = (double) width / height;
    int w = width;
    int h = height;
    if (inRatio < MIN_RATIO) {
      h = (int) Math.rint(w / MIN_RATIO);
    } else if (inRatio > MAX_RATIO) {
      w = (int) Math.rint(h * MAX_RATIO);
    }
    return new Box((width - w) / 2, (height - h) / 2, w, h);
  }

  private static double uniform(SplittableRandom rng, double lo, double hi) {
    return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
  }
}
