package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vlt.tensor.Ops;

/**
 * PACL's patch-aligned contrastive loss (Mukhoti et al. 2023). For image i and text j, every embedded patch p of i is
 * compared with text j (cosine s_ijp), a softmax over the patches turns those into weights a_ijp, the weighted sum of the
 * patches is image i as text j sees it, and the compatibility is the cosine of that sum with text j. The compatibilities
 * of a batch go through CLIP's symmetric InfoNCE. A text can only score well on an image by finding patches that match
 * it, which is what aligns patches with texts.
 *
 * <p>Cost: the pooling depends on the text, so each of the B×B pairs has its own weighted sum. Materialising
 * "batch × batch × patches × width" products is never needed: the weights are one batched matmul ([B, P, E]·[E, B]) and
 * the pooled patches another ([B, B, P]·[B, P, E]), so memory is B·B·P + B·B·E floats (64 pairs of 64 patches at width
 * 128: 0.8 M floats) and the work is two matmuls of B·B·P·E multiply-adds, the same order as one attention layer.
 */
public final class PatchAlignedLoss {
  private PatchAlignedLoss() {}

  /**
   * @param patches embedded patches [B, P, E], not normalised
   * @param text normalised text embeddings [B, E], text i paired with image i
   * @param logitScale exp(logit_scale), a scalar: the inverse temperature of both the softmax over patches and the logits
   */
  public static LossTerms compute(NDArray patches, NDArray text, NDArray logitScale) {
    NDArray compat = compatibility(patches, text, logitScale);                        // [B_img, B_txt]
    NDArray logitsPerImage = compat.mul(logitScale);
    NDManager m = patches.getManager();
    NDArray labels = m.arange(0L, patches.getShape().get(0), 1L);
    NDArray loss = Ops.div(Ops.crossEntropy(logitsPerImage, labels).add(Ops.crossEntropy(logitsPerImage.transpose(), labels)), 2);
    return LossTerms.of("pacl_loss", loss);
  }

  /**
   * The compatibility cos(Σ_p a_ijp · p̂, t_j) of every image i with every text j: [B_img, B_txt]; a_ijp =
   * softmax_p(scale · cos(p, t_j)) and p̂ the normalised patches.
   */
  public static NDArray compatibility(NDArray patches, NDArray text, NDArray logitScale) {
    NDArray p = Ops.l2Normalize(patches);                                              // [B, P, E]
    NDArray cos = p.matMul(text.transpose());                                          // [B, P, T]
    NDArray weights = cos.mul(logitScale).softmax(1).transpose(0, 2, 1);               // [B, T, P], sums to 1 over P
    NDArray pooled = Ops.l2Normalize(weights.matMul(p));                               // [B, T, E]
    return pooled.mul(text.expandDims(0)).sum(new int[] {2});                          // [B, T]
  }
}
