package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.vlt.tensor.Buffer;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;

/**
 * The momentum features of the last Q samples, as MoCo and ALBEF keep them to contrast against more negatives than a batch
 * holds: {@code image_queue} and {@code text_queue} [E, Q] (one feature per column), {@code idx_queue} [1, Q] (each
 * sample's id, −100 for an empty slot) and {@code queue_ptr} [1], the next column to overwrite. All four are buffers, saved
 * with the model so a resumed run contrasts against the same queue.
 */
public final class FeatureQueue extends Module {
  /** The id of a slot no sample has filled yet (torchmultimodal's mask_token_id); it matches no real id. */
  public static final long EMPTY_ID = -100;

  private final int size;
  private final Buffer imageQueue;
  private final Buffer textQueue;
  private final Buffer idxQueue;
  private final Buffer queuePtr;

  public FeatureQueue(int embedSize, int size) {
    this.size = size;
    imageQueue = buffer("image_queue", DataType.FLOAT32, new Init.UnitColumns(), embedSize, size);
    textQueue = buffer("text_queue", DataType.FLOAT32, new Init.UnitColumns(), embedSize, size);
    idxQueue = buffer("idx_queue", DataType.INT64, new Init.Constant(EMPTY_ID), 1, size);
    queuePtr = buffer("queue_ptr", DataType.INT64, Init.ZEROS, 1);
  }

  /** A copy of the image features [E, Q], safe to keep after later enqueues. */
  public NDArray images() {
    return imageQueue.value().duplicate();
  }

  public NDArray texts() {
    return textQueue.value().duplicate();
  }

  /** A copy of the ids [Q]. */
  public NDArray ids() {
    return idxQueue.value().duplicate().reshape(size);
  }

  public int size() {
    return size;
  }

  /**
   * Overwrites the B columns from the pointer with the batch's features [B, E] and ids [B], then advances the pointer by B
   * (mod Q). In place: the buffers keep their arrays, so no step scope ever owns them. B must divide Q, as in ALBEF, so a
   * batch never wraps around the end.
   */
  public void enqueue(NDArray imageFeat, NDArray textFeat, NDArray idx) {
    int b = Math.toIntExact(imageFeat.getShape().get(0));
    if (size % b != 0) throw new IllegalArgumentException("the queue size " + size + " is not a multiple of the batch size " + b);
    try (NoGrad ignored = NoGrad.open()) {
      int ptr = Math.toIntExact(queuePtr.value().getLong(0));
      NDIndex cols = new NDIndex(":, {}:{}", ptr, ptr + b);
      imageQueue.value().set(cols, imageFeat.transpose().toType(DataType.FLOAT32, false));
      textQueue.value().set(cols, textFeat.transpose().toType(DataType.FLOAT32, false));
      idxQueue.value().set(cols, idx.reshape(1, b).toType(DataType.INT64, false));
      queuePtr.value().set(new NDIndex(0), (ptr + b) % size);
    }
  }
}
