package dev.vlt.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.Raster8;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.PatchTextSimilarity;
import dev.vlt.tensor.NoGrad;
import java.util.ArrayList;
import java.util.List;

/**
 * Open-vocabulary segmentation with any model that has the segmentation capability: the image squashed to the model's
 * square input (so every pixel of it reaches a patch, whatever its aspect), the cosine of each patch embedding with each
 * label's text embedding, those g×g score maps upsampled bilinearly to the image's own size, and each pixel given the
 * label whose cosine is highest — or background (0) where no label's cosine rises above its own mean over the image by
 * the threshold ({@link #relativeScores}).
 *
 * <p>Why the background test is relative: PACL's training only ever compares a text's cosines across the patches of one
 * image (a softmax over patches), so only their differences within an image say "here, not there"; nothing in
 * image-caption training pulls backdrop patches away from every text, so an absolute cosine says little about "no
 * object here" (measured on ShapesWorld: a threshold on raw cosines labels the backdrop with whichever class it happens
 * to resemble, for PACL and the CLIP baseline alike). A label's image mean is mostly its backdrop score. Which label a
 * pixel gets stays the absolute cosine's choice: centred scores favour labels unlike the backdrop rather than labels
 * like the object (measured: colour right on 66 % of object pixels with raw cosines, 15 % with centred ones).
 */
public final class Segmenter {
  /** No background: every pixel gets its best label. */
  public static final double NO_BACKGROUND = Double.NEGATIVE_INFINITY;

  private final PatchTextSimilarity model;
  private final ModelInputs inputs;

  public Segmenter(LoadedModel model, int batchSize) {
    this.model = model.require(Capability.SEGMENTATION);
    EvalTransform transform = new EvalTransform(model.preprocess().withResizeMode("squash"));
    this.inputs = new ModelInputs(transform, model::tokenizer, batchSize);
  }

  /** The labels' L2-normalised text embeddings [K][E], encoded as given. */
  public float[][] embedLabels(List<String> labels) {
    return inputs.embedTexts(model, labels);
  }

  /** L2-normalised patch embeddings [N][g·g][E], in input order. */
  public float[][][] embedPatches(List<Raster8> images) {
    float[][][] out = new float[images.size()][][];
    int bs = inputs.batchSize();
    for (int from = 0; from < images.size(); from += bs) {
      List<Raster8> chunk = images.subList(from, Math.min(images.size(), from + bs));
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        NDArray p = model.encodePatches(inputs.pixels(m, chunk), true);                // [n, P, E]
        int n = (int) p.getShape().get(0);
        int patches = (int) p.getShape().get(1);
        int e = (int) p.getShape().get(2);
        float[] flat = p.toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < n; i++) {
          float[][] rows = new float[patches][e];
          for (int q = 0; q < patches; q++) System.arraycopy(flat, (i * patches + q) * e, rows[q], 0, e);
          out[from + i] = rows;
        }
      }
    }
    return out;
  }

  /** Each image's label map in its own pixels. */
  public List<LabelMap> segment(List<Raster8> images, float[][] labels, double threshold) {
    float[][][] patches = embedPatches(images);
    List<LabelMap> out = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      out.add(labelMap(scores(patches[i], labels), relativeScores(patches[i], labels), model.patchGrid(), images.get(i).width(), images.get(i).height(), threshold));
    }
    return out;
  }

  public LabelMap segment(Raster8 image, float[][] labels, double threshold) {
    return segment(List.of(image), labels, threshold).get(0);
  }

  public int patchGrid() {
    return model.patchGrid();
  }

  /** Cosines [K][g·g] of normalised patches [g·g][E] with normalised labels [K][E]. */
  public static float[][] scores(float[][] patches, float[][] labels) {
    float[][] out = new float[labels.length][patches.length];
    for (int k = 0; k < labels.length; k++) {
      for (int q = 0; q < patches.length; q++) {
        double dot = 0;
        for (int d = 0; d < labels[k].length; d++) dot += patches[q][d] * labels[k][d];
        out[k][q] = (float) dot;
      }
    }
    return out;
  }

  /** {@link #scores} minus each label's mean over the patches: [K][g·g]. */
  public static float[][] relativeScores(float[][] patches, float[][] labels) {
    float[][] s = scores(patches, labels);
    for (float[] row : s) {
      double mean = 0;
      for (float v : row) mean += v;
      mean /= row.length;
      for (int q = 0; q < row.length; q++) row[q] -= (float) mean;
    }
    return s;
  }

  /** {@link #labelMap(float[][], float[][], int, int, int, double)} with the scores as their own background test. */
  public static LabelMap labelMap(float[][] scores, int grid, int width, int height, double threshold) {
    return labelMap(scores, scores, grid, width, height, threshold);
  }

  /**
   * Patch scores [K][g·g] (row-major grid) and background-test scores of the same shape, both upsampled to width ×
   * height as torch's bilinear interpolation with align_corners=False (patch centres at (i + ½)·S/g, edges clamped); each
   * pixel gets the label with the best score, or background where no label's test score reaches {@code threshold}.
   * Ties go to the lower label.
   */
  public static LabelMap labelMap(float[][] scores, float[][] test, int grid, int width, int height, double threshold) {
    int k = scores.length;
    int[] x0 = new int[width];
    int[] x1 = new int[width];
    float[] fx = new float[width];
    axis(grid, width, x0, x1, fx);
    int[] y0 = new int[height];
    int[] y1 = new int[height];
    float[] fy = new float[height];
    axis(grid, height, y0, y1, fy);
    byte[] values = new byte[width * height];
    for (int y = 0; y < height; y++) {
      int ra = y0[y] * grid;
      int rb = y1[y] * grid;
      float wy = fy[y];
      for (int x = 0; x < width; x++) {
        float wx = fx[x];
        int best = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        float bestTest = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          float v = bilinear(scores[c], ra, rb, x0[x], x1[x], wx, wy);
          if (v > bestScore) {
            bestScore = v;
            best = c;
          }
          bestTest = Math.max(bestTest, test == scores ? v : bilinear(test[c], ra, rb, x0[x], x1[x], wx, wy));
        }
        values[y * width + x] = (byte) (bestTest < threshold ? 0 : best + 1);
      }
    }
    return new LabelMap(width, height, k, values);
  }

  private static float bilinear(float[] s, int ra, int rb, int xa, int xb, float wx, float wy) {
    float top = s[ra + xa] + wx * (s[ra + xb] - s[ra + xa]);
    float bottom = s[rb + xa] + wx * (s[rb + xb] - s[rb + xa]);
    return top + wy * (bottom - top);
  }

  /** For each output pixel along one axis: the two grid cells it lies between and the weight of the second. */
  private static void axis(int grid, int size, int[] lo, int[] hi, float[] frac) {
    for (int i = 0; i < size; i++) {
      double g = (i + 0.5) * grid / size - 0.5;
      if (g < 0) g = 0;
      if (g > grid - 1) g = grid - 1;
      int a = (int) Math.floor(g);
      lo[i] = a;
      hi[i] = Math.min(a + 1, grid - 1);
      frac[i] = (float) (g - a);
    }
  }
}
