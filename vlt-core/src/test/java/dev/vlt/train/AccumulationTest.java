package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.Parity;
import dev.vlt.models.clip.Clip;
import dev.vlt.tensor.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * open_clip's accumulation: two micro-batches of 4 with cached features give the gradients of one batch of 8 (the loss
 * sees all 8 pairs), except the temperature, whose gradient is added once per pass, as in open_clip.
 */
@ExtendWith(OneThread.class)
class AccumulationTest {
  @Test
  void twoMicroBatchesGiveTheFullBatchGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      Clip clip = Tiny.clip(m, 3);
      clip.train(true);
      ContrastiveTask task = Tiny.task(clip, m);
      TrainBatch full = Tiny.batch(m, 8);
      TrainBatch a = new TrainBatch(full.images().get(new NDIndex("0:4")), full.tokens().get(new NDIndex("0:4")));
      TrainBatch b = new TrainBatch(full.images().get(new NDIndex("4:8")), full.tokens().get(new NDIndex("4:8")));
      Map<String, Parameter> params = clip.namedParameters();

      Trainer<TrainBatch, ContrastiveTask.Outputs> whole = new Trainer<>(task, Tiny.config("{'model': 'tiny', 'batch_size': 8, 'steps': 10}"), m);
      double fullLoss = whole.backward(List.of(full)).loss().total().getFloat();
      Map<String, NDArray> expected = gradients(params);
      Gradients.zero(params.values());

      Trainer<TrainBatch, ContrastiveTask.Outputs> accumulating = new Trainer<>(task, Tiny.config("{'model': 'tiny', 'batch_size': 4, 'accum_freq': 2, 'steps': 10}"), m);
      double accLoss = accumulating.backward(List.of(a, b)).loss().total().getFloat();
      Map<String, NDArray> actual = gradients(params);
      Gradients.zero(params.values());

      assertEquals(fullLoss, accLoss, 1e-5, "the last pass scores all 8 pairs");
      for (String name : params.keySet()) {
        NDArray want = name.equals("logit_scale") ? expected.get(name).mul(2) : expected.get(name);
        Parity.assertClose("grad " + name, want, actual.get(name), 1e-5);
      }
      assertEquals(true, Parity.maxAbs(expected.get("visual.conv1.weight")) > 0, "gradients reach the image tower");
    }
  }

  /** A task whose loss does not couple samples accumulates plainly: each micro-batch's gradient weighs 1/accum_freq. */
  @Test
  void anUncoupledTaskAveragesItsMicroBatches() {
    try (NDManager m = NDManager.newBaseManager()) {
      Clip clip = Tiny.clip(m, 4);
      clip.train(true);
      ContrastiveTask inner = Tiny.task(clip, m);
      Task<TrainBatch, ContrastiveTask.Outputs> uncoupled = new Task<>() {
        public dev.vlt.tensor.Module module() { return inner.module(); }
        public TrainBatch collate(dev.vlt.data.Batch b, NDManager mm) { return inner.collate(b, mm); }
        public ContrastiveTask.Outputs forward(TrainBatch b) { return inner.forward(b); }
        public dev.vlt.objectives.LossTerms loss(ContrastiveTask.Outputs o) { return inner.loss(o); }
        public void saveModel(java.nio.file.Path dir) {}
        @Override public boolean couplesBatch() { return false; }
      };
      TrainBatch full = Tiny.batch(m, 8);
      TrainBatch a = new TrainBatch(full.images().get(new NDIndex("0:4")), full.tokens().get(new NDIndex("0:4")));
      TrainBatch b = new TrainBatch(full.images().get(new NDIndex("4:8")), full.tokens().get(new NDIndex("4:8")));
      Map<String, Parameter> params = clip.namedParameters();
      TrainConfig one = Tiny.config("{'model': 'tiny', 'batch_size': 4, 'steps': 10}");
      new Trainer<>(uncoupled, one, m).backward(List.of(a));
      Map<String, NDArray> ga = gradients(params);
      Gradients.zero(params.values());
      new Trainer<>(uncoupled, one, m).backward(List.of(b));
      Map<String, NDArray> gb = gradients(params);
      Gradients.zero(params.values());
      new Trainer<>(uncoupled, Tiny.config("{'model': 'tiny', 'batch_size': 4, 'accum_freq': 2, 'steps': 10}"), m)
          .backward(List.of(a, b));
      Map<String, NDArray> both = gradients(params);
      Gradients.zero(params.values());
      for (String name : params.keySet()) {
        Parity.assertClose("grad " + name, ga.get(name).add(gb.get(name)).div(2), both.get(name), 1e-6);
      }
    }
  }

  private static Map<String, NDArray> gradients(Map<String, Parameter> params) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    params.forEach((n, p) -> out.put(n, p.value().getGradient().duplicate()));
    return out;
  }
}
