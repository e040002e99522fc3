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
  /**
   * Added to the second output: an untrained module predicts a log-variance near 4 (sd ≈ 7, far above any threshold),
   * so training starts by sampling everywhere and trusts the module only once it has learned to be sure.
   */
  static final float LOG_VARIANCE_OFFSET = 4f;

  private final Linear fc1;
  private final Linear fc2;

  public ShapleyModule(int in, int hidden) {
    fc1 = child("fc1", new Linear(in, hidden));                                      // weight [H, in]
    fc2 = child("fc2", new Linear(hidden, 2));                                        // weight [2, H]: mean, log-variance
  }

  /** features [..., in] → [..., 2]: the interaction's predicted mean and log-variance. */
  public NDArray forward(NDArray features) {
    NDArray out = fc2.forward(Activation.GELU.apply(fc1.forward(features)));
    try (NDArray offset = out.getManager().create(new float[] {0f, LOG_VARIANCE_OFFSET})) {
      return out.add(offset);
    }
  }
}
