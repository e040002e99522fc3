package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.albef.AnswerDecoder;
import dev.vlt.models.albef.VqaOutput;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;

/**
 * ALBEF's VQA answer-generation loss (torchmultimodal's CausalLanguageModelingLoss as ALBEFModelForVQA applies it): per
 * answer, the summed next-token cross-entropy of its tokens after [CLS], mixed with α × the cross-entropy against the
 * momentum decoder's distributions at the same positions; then weighted by each answer's weight and summed over answers,
 * divided by the number of questions.
 *
 * @param alpha the distillation weight (ALBEF: 0.4); 0 uses the labels alone
 */
public record AnswerLoss(double alpha) {
  public AnswerLoss {
    if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
  }

  /** The term {@code answer_loss}: Σ_n weights[n]·perAnswer[n] / B. @param weights [N] */
  public LossTerms compute(VqaOutput out, NDArray weights) {
    NDArray weighted = perAnswer(out).mul(weights.toType(out.scores().getDataType(), false));
    return LossTerms.of("answer_loss", Ops.div(weighted.sum(), out.questions()));
  }

  /**
   * Per answer [N]: (1 − α)·Σ_t CE(scores[n, t], labels[n, t+1])
   * + α·Σ_t [labels[n, t+1] counts]·H(softmax(scoresM[n, t]), softmax(scores[n, t])).
   */
  public NDArray perAnswer(VqaOutput out) {
    NDArray nll = AnswerDecoder.sequenceNll(out.scores(), out.labels());                          // [N]
    if (alpha == 0) return nll;
    NDArray logp = out.scores().get(new NDIndex(":, :-1")).logSoftmax(-1);                        // [N, M-1, V]
    NDArray target;
    try (NoGrad ignored = NoGrad.open()) {
      target = out.scoresM().get(new NDIndex(":, :-1")).softmax(-1);
    }
    NDArray counts = out.labels().get(new NDIndex(":, 1:")).neq(AnswerDecoder.IGNORE).toType(logp.getDataType(), false);
    NDArray distill = logp.mul(target).sum(new int[] {-1}).neg().mul(counts).sum(new int[] {1});  // [N]
    return Ops.mul(nll, 1 - alpha).add(Ops.mul(distill, alpha));
  }
}
