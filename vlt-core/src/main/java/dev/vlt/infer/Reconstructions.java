package dev.vlt.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
import dev.vlt.models.PixelReconstruction;
import dev.vlt.nn.Patches;
import dev.vlt.objectives.PixelTargets;
import dev.vlt.tensor.NoGrad;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Held-out masked reconstruction of a {@link PixelReconstruction} model: the error on the removed patches in the model's
 * own target space (normalised pixels, or per-patch normalised pixels for a {@code norm_pix_loss} model), beside two
 * baselines that see the same visible patches, and pictures (original / masked / reconstruction) for a grid.
 *
 * <p>Baselines, both in the same target space: the <em>mean patch</em> (at each grid position, the mean target patch of a
 * reference set, e.g. the training images), and the <em>visible mean</em> (every removed patch predicted as the mean of
 * the image's own visible patches).
 */
public final class Reconstructions {
  private static final int BATCH = 64;

  /** Mean squared errors over all removed patches of all images (each patch's mean over its p·p·C values). */
  public record Errors(double model, double meanPatch, double visibleMean, int images, int removedPatches) {
    /** 1 − model / meanPatch: the share of the mean-patch baseline's error the model removes. */
    public double explainedVsMeanPatch() {
      return 1 - model / meanPatch;
    }

    /** 1 − visibleMean / meanPatch, the same share for the visible-mean baseline. */
    public double visibleMeanExplainedVsMeanPatch() {
      return 1 - visibleMean / meanPatch;
    }
  }

  /** One image as three pictures, and the model's error on its removed patches. */
  public record Example(BufferedImage original, BufferedImage masked, BufferedImage reconstruction, double error) {}

  private final PixelReconstruction model;
  private final PreprocessConfig preprocess;
  private final EvalTransform transform;

  public Reconstructions(PixelReconstruction model, PreprocessConfig preprocess) {
    this.model = model;
    this.preprocess = preprocess;
    this.transform = new EvalTransform(preprocess);
  }

  /** Noise [n, L] for image {@code i} drawn from (seed, i), the same for every model and every call. */
  private NDArray noise(NDManager m, int from, int n, long seed) {
    int l = model.patches();
    float[] v = new float[n * l];
    for (int i = 0; i < n; i++) {
      SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + from + i);
      for (int j = 0; j < l; j++) v[i * l + j] = (float) rng.nextDouble();
    }
    return m.create(v, new Shape(n, l));
  }

  /** The mean target patch at each grid position over {@code images}: [L·P] (the mean-patch baseline's prediction). */
  public float[] meanPatch(List<Raster8> images) {
    double[] sum = null;
    ModelInputs in = new ModelInputs(transform, () -> null, BATCH);
    for (int from = 0; from < images.size(); from += BATCH) {
      List<Raster8> chunk = images.subList(from, Math.min(images.size(), from + BATCH));
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
        float[] t = PixelTargets.image(in.pixels(m, chunk), model.patchSize(), model.normPixTargets()).toFloatArray();
        int per = t.length / chunk.size();
        if (sum == null) sum = new double[per];
        for (int i = 0; i < t.length; i++) sum[i % per] += t[i];
      }
    }
    if (sum == null) throw new IllegalArgumentException("the mean patch needs at least one image");
    float[] mean = new float[sum.length];
    for (int i = 0; i < sum.length; i++) mean[i] = (float) (sum[i] / images.size());
    return mean;
  }

  /**
   * Errors over {@code images}, each masked by the model's ratio with noise from ({@code seed}, its index), and pictures
   * of the first {@code examples} images.
   *
   * @param meanPatch the mean-patch baseline's prediction [L·P] ({@link #meanPatch} of a reference set)
   */
  public Errors evaluate(List<Raster8> images, long seed, float[] meanPatch, int examples, List<Example> out) {
    ModelInputs in = new ModelInputs(transform, () -> null, BATCH);
    double sumModel = 0, sumMean = 0, sumVisible = 0;
    long removed = 0;
    for (int from = 0; from < images.size(); from += BATCH) {
      List<Raster8> chunk = images.subList(from, Math.min(images.size(), from + BATCH));
      int n = chunk.size();
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        NDArray pixels = in.pixels(m, chunk);
        PixelReconstruction.Reconstruction r = model.reconstruct(pixels, noise(m, from, n, seed));
        float[] pred = r.pred().toFloatArray();
        float[] mask = r.mask().toFloatArray();
        float[] target = PixelTargets.image(pixels, model.patchSize(), model.normPixTargets()).toFloatArray();
        int l = model.patches();
        int p = pred.length / (n * l);
        for (int i = 0; i < n; i++) {
          float[] visible = new float[p];
          int kept = 0;
          for (int j = 0; j < l; j++) {
            if (mask[i * l + j] != 0) continue;
            kept++;
            for (int k = 0; k < p; k++) visible[k] += target[(i * l + j) * p + k];
          }
          for (int k = 0; k < p; k++) visible[k] /= Math.max(1, kept);
          double imageError = 0;
          int imageRemoved = 0;
          for (int j = 0; j < l; j++) {
            if (mask[i * l + j] == 0) continue;
            double em = 0, eb = 0, ev = 0;
            for (int k = 0; k < p; k++) {
              int at = (i * l + j) * p + k;
              double t = target[at];
              em += sq(pred[at] - t);
              eb += sq(meanPatch[j * p + k] - t);
              ev += sq(visible[k] - t);
            }
            sumModel += em / p;
            sumMean += eb / p;
            sumVisible += ev / p;
            imageError += em / p;
            imageRemoved++;
          }
          removed += imageRemoved;
          if (from + i < examples) out.add(example(pixels.get(i).expandDims(0), r.pred().get(i).expandDims(0),
              r.mask().get(i).expandDims(0), imageError / Math.max(1, imageRemoved)));
        }
      }
    }
    if (removed == 0) throw new IllegalArgumentException("no patch was removed: the mask ratio keeps every patch");
    return new Errors(sumModel / removed, sumMean / removed, sumVisible / removed, images.size(), (int) removed);
  }

  /**
   * Pictures of one image: removed patches grey in the masked one; in the reconstruction, visible patches are the original
   * and removed ones the prediction (for a norm-pix model mapped back to pixels with the true patch's mean and variance,
   * as MAE's visualisation does, since it predicts only each patch's normalised pattern).
   */
  private Example example(NDArray pixels, NDArray pred, NDArray mask, double error) {
    int ps = model.patchSize();
    NDArray patches = Patches.patchify(pixels, ps);                               // [1, L, P]
    NDArray predPixels = pred;
    if (model.normPixTargets()) {
      NDArray mean = patches.mean(new int[] {-1}, true);
      NDArray centred = patches.sub(mean);
      long n = patches.getShape().get(2);
      NDArray var = centred.square().sum(new int[] {-1}, true).div(n - 1);
      predPixels = pred.mul(var.add(PixelTargets.EPS).sqrt()).add(mean);
    }
    NDArray m = mask.expandDims(-1);                                              // [1, L, 1]
    NDArray recon = patches.mul(m.neg().add(1)).add(predPixels.mul(m));
    NDArray grey = patches.zerosLike().add(greyPatch(patches.getManager(), (int) patches.getShape().get(2)));
    NDArray masked = patches.mul(m.neg().add(1)).add(grey.mul(m));
    return new Example(picture(pixels), picture(Patches.unpatchify(masked, ps, 3)), picture(Patches.unpatchify(recon, ps, 3)),
        error);
  }

  /** A patch vector of mid-grey (0.5 in every channel) in normalised pixels, channel fastest. */
  private NDArray greyPatch(NDManager m, int p) {
    float[] v = new float[p];
    for (int k = 0; k < p; k++) v[k] = (0.5f - preprocess.mean()[k % 3]) / preprocess.std()[k % 3];
    return m.create(v);
  }

  /** Normalised pixels [1, 3, S, S] → an RGB picture (un-normalised, clamped to [0, 255]). */
  private BufferedImage picture(NDArray pixels) {
    int s = (int) pixels.getShape().get(2);
    float[] v = pixels.toFloatArray();
    BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          float u = v[c * s * s + y * s + x] * preprocess.std()[c] + preprocess.mean()[c];
          rgb = rgb << 8 | Math.max(0, Math.min(255, Math.round(u * 255)));
        }
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  private static double sq(double v) {
    return v * v;
  }
}
