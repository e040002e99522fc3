package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's outputs for a batch, split by how gradient accumulation treats them.
 *
 * @param perSample one row per sample ([B, ...]), concatenated across micro-batches (e.g. image and text features)
 * @param shared batch-independent values taken from the pass with gradients (e.g. logit_scale, logit_bias)
 */
public record TaskOutput(Map<String, NDArray> perSample, Map<String, NDArray> shared) {
  /**
   * open_clip's accumulation input: the cached per-sample outputs of every micro-batch, with slot {@code j} replaced by
   * {@code fresh} (recomputed with gradients), concatenated along the batch; shared values from {@code fresh}.
   */
  public static TaskOutput substitute(List<TaskOutput> cached, int j, TaskOutput fresh) {
    Map<String, NDArray> joined = new LinkedHashMap<>();
    for (String key : fresh.perSample().keySet()) {
      NDList parts = new NDList(cached.size());
      for (int i = 0; i < cached.size(); i++) parts.add(i == j ? fresh.perSample().get(key) : cached.get(i).perSample().get(key));
      joined.put(key, NDArrays.concat(parts));
    }
    return new TaskOutput(joined, fresh.shared());
  }
}
