package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;

/**
 * ALBEF's retrieval training forward: what ITC, hard-negative mining and ITM read. Similarities are against the batch's
 * momentum features followed by the queue as it was before this batch is enqueued: columns 0..B−1 are the batch, B.. the
 * queue.
 *
 * @param online the online encoders' outputs (with gradients)
 * @param momentum the momentum copies' outputs (no gradients)
 * @param textAtts the text padding mask [B, L] the batch was encoded with
 * @param imageFeat normalised projected image [CLS] [B, E]; {@code textFeat} likewise for text
 * @param imageFeatM the momentum projections' features [B, E] (no gradients), enqueued after the step
 * @param simI2t image_feat · [text_feat_m | text queue] / temp [B, B+Q]; {@code simT2i} text against images
 * @param simI2tM the same from the momentum features (no gradients): the distillation targets' logits
 * @param idx the batch's sample ids [B]: equal ids are positives of each other
 * @param queueIds the ids of the queued samples [Q], −100 for empty slots
 */
public record RetrievalOutput(
    AlbefEncoding online, AlbefEncoding momentum, NDArray textAtts,
    NDArray imageFeat, NDArray textFeat, NDArray imageFeatM, NDArray textFeatM,
    NDArray simI2t, NDArray simT2i, NDArray simI2tM, NDArray simT2iM,
    NDArray idx, NDArray queueIds) {
  public int batchSize() {
    return Math.toIntExact(imageFeat.getShape().get(0));
  }
}
