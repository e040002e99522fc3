package dev.vlt.models.loupe;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.Activation;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Module;

/**
 * LOUPE's uncertainty-aware neural Shapley interaction module: from a region and a phrase, a mean and a log-variance of
 * the region's interaction, trained by the Gaussian likelihood of sampled interactions ({@code
 * objectives.ShapleyInteractionLoss}), so its variance says where it can be trusted instead of sampling. The input
 * ({@link Loupe#shapleyFeatures}) is the phrase-weighted mean embedding inside the region and outside it, and the
 * region's share of the patches.
 */
public final class ShapleyModule extends Module {
  private final float logVarianceOffset;

  private final Linear fc1;
  private final Linear fc2;

  /**
   * @param threshold the sd above which LOUPE samples instead: the second output is offset so that an untrained module
   *     predicts sd ≈ 1.65 × threshold (log-variance 2 ln threshold + 1), just unsure enough that training starts by
   *     sampling everywhere, and near enough that the module can become sure within a short run (AdamW moves a bias by
   *     about lr per step, so an offset far from the interactions' scale takes thousands of steps to undo)
   */
  public ShapleyModule(int in, int hidden, double threshold) {
    logVarianceOffset = (float) (2 * Math.log(threshold) + 1);
    fc1 = child("fc1", new Linear(in, hidden));                                      // weight [H, in]
    fc2 = child("fc2", new Linear(hidden, 2));                                        // weight [2, H]: mean, log-variance
  }

  /** features [..., in] → [..., 2]: the interaction's predicted mean and log-variance. */
  public NDArray forward(NDArray features) {
    NDArray out = fc2.forward(Activation.GELU.apply(fc1.forward(features)));
    try (NDArray offset = out.getManager().create(new float[] {0f, logVarianceOffset})) {
      return out.add(offset);
    }
  }
}
