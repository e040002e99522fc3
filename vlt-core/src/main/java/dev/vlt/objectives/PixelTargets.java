package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.nn.Patches;

/**
 * Regression targets for masked image and video modeling, exactly as the reference training code builds them. The two
 * references normalise differently, and both differences show in the targets: MAE per patch over all of its values with
 * {@code sqrt(var + 1e-6)}, VideoMAE per tubelet and per channel with {@code std + 1e-6} (both with unbiased variance).
 */
public final class PixelTargets {
  /** The normalisers' epsilon in both references. */
  public static final double EPS = 1e-6;

  private PixelTargets() {}

  /**
   * MAE's target: {@code patchify(images)} [B, L, p·p·C], with {@code normPix} (MAE's {@code norm_pix_loss}) each patch
   * normalised over all its p·p·C values: (t − mean) / sqrt(var + 1e-6), var unbiased (÷ (p·p·C − 1)).
   *
   * @param images [B, C, S, S] as the model saw them (already normalised pixels)
   */
  public static NDArray image(NDArray images, int patch, boolean normPix) {
    NDArray target = Patches.patchify(images, patch);                            // [B, L, p·p·C]
    if (!normPix) return target;
    NDArray mean = target.mean(new int[] {-1}, true);
    NDArray centred = target.sub(mean);
    NDArray var = unbiasedVariance(centred, -1);
    return centred.div(var.add(scalar(var, EPS)).sqrt());
  }

  /**
   * VideoMAE's labels ({@code engine_for_pretraining.py}): the clip un-normalised back to [0, 1] pixels
   * ({@code videos·std + mean}), cut into tubelets [B, N, kt·p·p·C] ordered pixels (kt, py, px) then channel, with
   * {@code normalize} (VideoMAE's {@code normlize_target}, always on in training) each tubelet normalised per channel over
   * its kt·p·p pixels: (x − mean) / (std + 1e-6), std unbiased.
   *
   * @param videos [B, C, T, S, S] normalised clips as the model saw them
   * @param mean the per-channel mean the clips were normalised with (VideoMAE: ImageNet's)
   * @param std the per-channel standard deviation likewise
   */
  public static NDArray video(NDArray videos, int tubelet, int patch, float[] mean, float[] std, boolean normalize) {
    NDArray pixels = Patches.tubelets(unnormalize(videos, mean, std), tubelet, patch);   // [B, N, K, C]
    if (normalize) {
      NDArray centred = pixels.sub(pixels.mean(new int[] {2}, true));
      NDArray sd = unbiasedVariance(centred, 2).sqrt();
      pixels = centred.div(sd.add(scalar(sd, EPS)));
    }
    Shape s = pixels.getShape();
    return pixels.reshape(s.get(0), s.get(1), s.get(2) * s.get(3));               // [B, N, K·C], channel fastest
  }

  /** videos [B, C, ...] → videos·std[c] + mean[c] in float32, as the reference computes it. */
  public static NDArray unnormalize(NDArray videos, float[] mean, float[] std) {
    int c = Math.toIntExact(videos.getShape().get(1));
    if (mean.length != c || std.length != c) {
      throw new IllegalArgumentException("mean/std have " + mean.length + "/" + std.length + " channels, the input " + c);
    }
    long[] shape = new long[videos.getShape().dimension()];
    java.util.Arrays.fill(shape, 1);
    shape[1] = c;
    NDManager m = videos.getManager();
    NDArray s = m.create(std, new Shape(shape)).toType(videos.getDataType(), false);
    NDArray mu = m.create(mean, new Shape(shape)).toType(videos.getDataType(), false);
    return videos.mul(s).add(mu);
  }

  /** Σ x² / (n − 1) along {@code axis} (kept) for already centred x: torch's {@code var(unbiased=True)}. */
  private static NDArray unbiasedVariance(NDArray centred, int axis) {
    long n = centred.getShape().get(axis < 0 ? centred.getShape().dimension() + axis : axis);
    return centred.square().sum(new int[] {axis}, true).div(scalar(centred, n - 1));
  }

  private static NDArray scalar(NDArray like, double v) {
    return like.getManager().full(new Shape(), (float) v, like.getDataType());
  }
}
