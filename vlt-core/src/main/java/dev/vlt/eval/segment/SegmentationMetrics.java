package dev.vlt.eval.segment;

import dev.vlt.eval.Result;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Semantic segmentation scores over a set of images, from label maps whose value is 0 for background and k + 1 for
 * class k. IoU per class is dataset-level (intersections and unions summed over every image, as PASCAL VOC counts).
 * {@code miou} averages the object classes that occur in the ground truth; background is not one of them (it is most of
 * every ShapesWorld picture and would flatter a model that labels little) and is reported on its own as
 * {@code background_iou}. {@code pixel_accuracy} counts every pixel, background included.
 *
 * @param classIou IoU of each object class present in the ground truth, by class name
 */
public record SegmentationMetrics(int images, long pixels, double miou, double pixelAccuracy, double backgroundIou,
    int classesPresent, Map<String, Double> classIou) implements Result {

  @Override
  public Map<String, Double> headline() {
    Map<String, Double> h = new LinkedHashMap<>();
    h.put("mIoU", miou);
    h.put("pixel acc", pixelAccuracy);
    h.put("background IoU", backgroundIou);
    return h;
  }

  /** The mIoU counting background as one more class, as PASCAL VOC counts it. */
  public double miouWithBackground() {
    return (miou * classesPresent + backgroundIou) / (classesPresent + 1);
  }

  /** Counts intersections and unions image by image. */
  public static final class Accumulator {
    private final List<String> classes;
    private final long[] intersection;
    private final long[] truthCount;
    private final long[] predictedCount;
    private long correct;
    private long pixels;
    private int images;

    public Accumulator(List<String> classes) {
      this.classes = List.copyOf(classes);
      int n = classes.size() + 1;
      intersection = new long[n];
      truthCount = new long[n];
      predictedCount = new long[n];
    }

    /** One image: truth and predicted values per pixel (0 background, k + 1 class k), the same length. */
    public void add(int[] truth, int[] predicted) {
      if (truth.length != predicted.length) {
        throw new IllegalArgumentException("ground truth has " + truth.length + " pixels, the prediction " + predicted.length);
      }
      for (int i = 0; i < truth.length; i++) {
        int t = truth[i];
        int p = predicted[i];
        if (t < 0 || p < 0 || t >= intersection.length || p >= intersection.length) {
          throw new IllegalArgumentException("label value " + (t < 0 || t >= intersection.length ? t : p) + " outside 0.." + classes.size() + " classes");
        }
        truthCount[t]++;
        predictedCount[p]++;
        if (t == p) {
          intersection[t]++;
          correct++;
        }
      }
      pixels += truth.length;
      images++;
    }

    public SegmentationMetrics result() {
      Map<String, Double> iou = new LinkedHashMap<>();
      double sum = 0;
      for (int k = 1; k < intersection.length; k++) {
        if (truthCount[k] == 0) continue;
        double v = (double) intersection[k] / (truthCount[k] + predictedCount[k] - intersection[k]);
        iou.put(classes.get(k - 1), v);
        sum += v;
      }
      long bgUnion = truthCount[0] + predictedCount[0] - intersection[0];
      return new SegmentationMetrics(images, pixels, iou.isEmpty() ? 0 : sum / iou.size(),
          pixels == 0 ? 0 : (double) correct / pixels, bgUnion == 0 ? 0 : (double) intersection[0] / bgUnion, iou.size(), iou);
    }
  }
}
