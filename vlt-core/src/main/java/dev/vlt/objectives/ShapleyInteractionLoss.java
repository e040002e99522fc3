package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Ops;

/**
 * LOUPE's two interaction terms, pure functions of its outputs.
 * <ul>
 *   <li>{@link #region}: the region head's scores over a phrase's candidate regions, trained by cross-entropy towards
 *       the candidate whose patches interact most (the pseudo-label);</li>
 *   <li>{@link #shapley}: the neural Shapley module's Gaussian negative log-likelihood of the sampled interactions,
 *       ½ (log σ² + (I − μ)² / σ²), so that its σ grows where it cannot predict the samples and the fallback to
 *       sampling happens there.</li>
 * </ul>
 */
public final class ShapleyInteractionLoss {
  private ShapleyInteractionLoss() {}

  /**
   * @param scores [J, n] region scores, already multiplied by their inverse temperature
   * @param target [J] the index of each phrase's pseudo-label region
   */
  public static NDArray region(NDArray scores, NDArray target) {
    return Ops.crossEntropy(scores, target);
  }

  /**
   * @param mean [N] predicted interactions
   * @param logVariance [N] their predicted log-variances
   * @param sampled [N] sampled interactions (only where {@code weight} is 1)
   * @param weight [N] 1 where the interaction was sampled, else 0
   * @return the mean negative log-likelihood over the sampled entries (0 when none was)
   */
  public static NDArray shapley(NDArray mean, NDArray logVariance, NDArray sampled, NDArray weight) {
    NDArray err = sampled.sub(mean);
    NDArray nll = logVariance.add(err.mul(err).mul(logVariance.neg().exp())).mul(weight);
    return Ops.div(nll.sum().div(weight.sum().maximum(1)), 2);
  }
}
