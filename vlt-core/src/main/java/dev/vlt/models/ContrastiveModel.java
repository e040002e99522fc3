package dev.vlt.models;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * The image-text similarity capability, CLIP's forward contract: both embeddings and a learned temperature, so images
 * can be scored against texts (zero-shot classification, retrieval) and trained contrastively. A model supplies its two
 * raw feature maps and its temperature; encoding, normalising and the joint forward follow here, so CLIP, MS-CLIP and
 * CoCa share one contrastive task and one evaluation.
 */
public interface ContrastiveModel extends ImageEmbedding, TextEmbedding {
  /** images [B, 3, S, S] normalised pixels → image features [B, E], not normalised; intermediates go to {@code trace}. */
  NDArray imageFeatures(NDArray images, Trace trace);

  /** ids [B, L] token ids → text features [B, E], not normalised; intermediates go to {@code trace}. */
  NDArray textFeatures(NDArray ids, Trace trace);

  /** log(1/T), shape []: the learned temperature (training clamps it to [0, ln 100]). */
  Parameter logitScale();

  @Override
  default NDArray encodeImage(NDArray images, boolean normalize) {
    NDArray f = imageFeatures(images, Trace.NONE);
    return normalize ? Ops.l2Normalize(f) : f;
  }

  @Override
  default NDArray encodeText(NDArray ids, boolean normalize) {
    NDArray f = textFeatures(ids, Trace.NONE);
    return normalize ? Ops.l2Normalize(f) : f;
  }

  /** Both encoders, normalised features and exp(logit_scale), as open_clip's CLIP.forward. */
  default ClipOutput forward(NDArray images, NDArray ids, Trace trace) {
    NDArray img = imageFeatures(images, trace);
    NDArray txt = textFeatures(ids, trace);
    trace.put("image_features", img);
    trace.put("text_features", txt);
    return new ClipOutput(Ops.l2Normalize(img), Ops.l2Normalize(txt), logitScale().value().exp());
  }
}
