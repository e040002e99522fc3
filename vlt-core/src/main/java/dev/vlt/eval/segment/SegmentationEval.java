package dev.vlt.eval.segment;

import dev.vlt.data.image.Raster8;
import dev.vlt.infer.LabelMap;
import dev.vlt.infer.Segmenter;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a model on a {@link SegmentationSet} the way {@code vlt segment} labels an image: per-patch cosines with the
 * prompts of the classes the image is asked about, upsampled to the image, best class per pixel, background where no
 * class rises above its image mean by the threshold ({@link Segmenter}). The
 * scores are computed once per image, so thresholds can be compared cheaply; {@link #calibrate} picks
 * one on validation images.
 */
public final class SegmentationEval {
  /** The thresholds {@link #calibrate} tries: none (every pixel labelled), then relative cosines 0, 0.01, ..., 0.6. */
  public static final double[] THRESHOLDS = thresholds();

  private final SegmentationSet set;
  private final int grid;
  private final List<float[][]> scores;
  private final List<float[][]> relative;

  /** The patch-class cosines of every image of {@code set}. */
  public SegmentationEval(Segmenter segmenter, SegmentationSet set) {
    this.set = set;
    this.grid = segmenter.patchGrid();
    float[][] classes = segmenter.embedLabels(set.prompts());
    float[][][] patches = segmenter.embedPatches(set.images());
    scores = new ArrayList<>(patches.length);
    relative = new ArrayList<>(patches.length);
    for (int i = 0; i < patches.length; i++) {
      int[] asked = set.asked().get(i);
      float[][] labels = new float[asked.length][];
      for (int k = 0; k < asked.length; k++) labels[k] = classes[asked[k]];
      scores.add(Segmenter.scores(patches[i], labels));
      relative.add(Segmenter.relativeScores(patches[i], labels));
    }
  }

  public SegmentationSet set() {
    return set;
  }

  /** Image i's predicted label map at {@code threshold}, its values indexing the image's asked classes (0 background). */
  public LabelMap predict(int i, double threshold) {
    Raster8 img = set.images().get(i);
    return Segmenter.labelMap(scores.get(i), relative.get(i), grid, img.width(), img.height(), threshold);
  }

  /** Image i's prediction as class indices + 1 (0 background), comparable with its ground truth. */
  public int[] predictClasses(int i, double threshold) {
    byte[] local = predict(i, threshold).values();
    int[] asked = set.asked().get(i);
    int[] out = new int[local.length];
    for (int p = 0; p < out.length; p++) {
      int v = local[p] & 0xFF;
      out[p] = v == 0 ? 0 : asked[v - 1] + 1;
    }
    return out;
  }

  public SegmentationMetrics evaluate(double threshold) {
    SegmentationMetrics.Accumulator acc = new SegmentationMetrics.Accumulator(set.classes());
    for (int i = 0; i < set.size(); i++) acc.add(set.truth().get(i), predictClasses(i, threshold));
    return acc.result();
  }

  /**
   * The threshold of {@link #THRESHOLDS} with the highest mIoU on this set counting background as one more class (the
   * first of equals). Left out, background would not matter to the choice at all: on ShapesWorld "no background" (every
   * pixel some object) then wins for PACL and the baseline alike, which is no segmentation.
   */
  public double calibrate() {
    double best = THRESHOLDS[0];
    double bestMiou = -1;
    for (double t : THRESHOLDS) {
      double m = evaluate(t).miouWithBackground();
      if (m > bestMiou) {
        bestMiou = m;
        best = t;
      }
    }
    return best;
  }

  private static double[] thresholds() {
    double[] t = new double[62];
    t[0] = Segmenter.NO_BACKGROUND;
    for (int i = 1; i < t.length; i++) t[i] = (i - 1) * 0.01;
    return t;
  }
}
