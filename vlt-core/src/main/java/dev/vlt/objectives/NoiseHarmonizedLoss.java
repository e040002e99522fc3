package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NLIP's noise harmonization: each pair i carries a noise probability p_i (from {@link NoiseMixture}). Its contrastive
 * target is softened, (1 − p_i) on its own partner and p_i spread evenly over the batch, and a noise-adaptive regulariser
 * pushes the cosine similarity of a likely-noisy pair below 1 − p_i, weighted by p_i: mean_i p_i · max(0, cos_ii − (1 − p_i)).
 * So a noisy pair is not merely trained less: its alignment is actively harmonised down. With every p_i = 0 this is
 * CLIP's loss. The paper gives the scheme, not code; the exact form of the regulariser here is our choice.
 */
public final class NoiseHarmonizedLoss {
  private NoiseHarmonizedLoss() {}

  /**
   * @param image normalised image features [B, E]
   * @param text normalised text features [B, E]
   * @param logitScale exp(logit_scale), a scalar
   * @param noise each pair's noise probability [B], in [0, 1]
   * @param regWeight the regulariser's weight (the paper's λ)
   */
  public static LossTerms compute(NDArray image, NDArray text, NDArray logitScale, NDArray noise, double regWeight) {
    NDManager m = image.getManager();
    int b = (int) image.getShape().get(0);
    NDArray p = noise.toType(image.getDataType(), false).reshape(b, 1);                 // [B, 1]
    NDArray eye = m.eye(b).toType(image.getDataType(), false);
    NDArray targets = eye.mul(p.neg().add(1)).add(p.div(b).broadcast(b, b));           // rows sum to 1
    NDArray contrastive = SoftContrastiveLoss.compute(image, text, logitScale, targets);
    NDArray cosine = image.mul(text).sum(new int[] {1});                                // [B]
    NDArray p1 = p.reshape(b);
    NDArray excess = cosine.sub(p1.neg().add(1)).maximum(0);
    NDArray reg = p1.mul(excess).mean().mul(m.create((float) regWeight));              // a tensor op: see Ops.mul
    Map<String, NDArray> terms = new LinkedHashMap<>();
    terms.put("contrastive_loss", contrastive);
    terms.put("noise_reg_loss", reg);
    return new LossTerms(terms);
  }
}
