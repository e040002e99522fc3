package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.vlt.tensor.Ops;

/**
 * SigLIP's pairwise sigmoid loss (Zhai et al. 2023): every image-text pair is an independent binary problem, +1 on the
 * diagonal and -1 elsewhere; loss = -Σ log σ(z·(s·img·txtᵀ + b)) / B.
 */
public final class SigmoidLoss {
  private SigmoidLoss() {}

  /**
   * @param image normalised [B, E]; @param text normalised [B, E]
   * @param logitScale exp(t), scalar; @param logitBias b, scalar
   */
  public static LossTerms compute(NDArray image, NDArray text, NDArray logitScale, NDArray logitBias) {
    long b = image.getShape().get(0);
    NDArray logits = image.matMul(text.transpose()).mul(logitScale).add(logitBias);
    NDArray labels = image.getManager().eye((int) b).mul(2).sub(1).toType(logits.getDataType(), false);
    // log σ(x) = -softplus(-x), computed stably
    NDArray z = labels.mul(logits);
    NDArray logSig = z.minimum(z.zerosLike()).sub(z.abs().neg().exp().add(1f).log());  // no Number operand: see Ops.mul
    NDArray loss = Ops.div(logSig.sum().neg(), b);
    return LossTerms.of("sigmoid_loss", loss.toType(DataType.FLOAT32, false));
  }
}
