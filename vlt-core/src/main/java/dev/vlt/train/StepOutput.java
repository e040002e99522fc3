package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A task's typed outputs for one micro-batch, as the trainer caches and joins them for open_clip's gradient
 * accumulation: per-sample rows (features, logits, labels) concatenate along the batch, batch-independent values (the
 * temperature) come from the pass that carries gradients.
 */
public interface StepOutput<O extends StepOutput<O>> {
  /** The whole step's outputs: every part's per-sample rows in order, batch-independent values from this output. */
  O joined(List<O> parts);

  /** Batch-independent values logged each step by name, e.g. logit_scale as exp(t). */
  Map<String, NDArray> scalars();

  /** The rows {@code field} picks from each part, concatenated along the batch: a helper for {@link #joined}. */
  static <O> NDArray rows(List<O> parts, Function<O, NDArray> field) {
    NDList list = new NDList(parts.size());
    for (O p : parts) list.add(field.apply(p));
    return list.size() == 1 ? list.get(0) : NDArrays.concat(list);
  }

  /** As {@link #rows}, or null when the field is null (a term switched off by its weight) in the parts. */
  static <O> NDArray rowsOrNull(List<O> parts, Function<O, NDArray> field) {
    return field.apply(parts.get(0)) == null ? null : rows(parts, field);
  }
}
