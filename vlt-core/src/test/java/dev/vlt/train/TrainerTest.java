package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.Parity;
import dev.vlt.models.clip.Clip;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Module;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The loop around the step: cadence of evaluation and checkpoints, the NaN stop, tower locking, the temperature clamp. */
@ExtendWith(OneThread.class)
class TrainerTest {
  /** 4 pairs per step, 5 steps per epoch, 10 steps. */
  private static final TrainConfig CFG = Tiny.config("{'model': 'tiny', 'batch_size': 4, 'train_num_samples': 20, 'epochs': 2}");

  @Test
  void evaluatesAndCheckpointsEachEpochAndLogsEveryStep(@TempDir Path dir) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      ContrastiveTask task = Tiny.task(Tiny.clip(m, 1), m);
      Trainer<TrainBatch, ContrastiveTask.Outputs> trainer = new Trainer<>(task, CFG, m);
      List<Long> evaluatedAt = new ArrayList<>();
      List<Long> savedAt = new ArrayList<>();
      TrainListener listener = new TrainListener() {
        @Override
        public void evaluated(long step, Map<String, Double> metrics) {
          evaluatedAt.add(step);
        }

        @Override
        public void checkpointed(long step, Path checkpoint) {
          savedAt.add(step);
        }
      };
      MetricsLog log = new MetricsLog(dir.resolve("metrics.jsonl"));
      Evaluator eval = () -> {
        assertFalse(task.module().isTraining(), "evaluation runs in eval mode");
        return Map.of("test_top1", 0.5);
      };
      assertEquals(Trainer.Outcome.COMPLETED, trainer.run(Tiny.loader(4, 20), eval, new Checkpoints(dir.resolve("ck")), log, listener));
      assertEquals(List.of(0L, 5L, 10L), evaluatedAt);
      assertEquals(List.of(5L, 10L), savedAt);
      List<JsonNode> lines = log.read();
      assertEquals(11, lines.size());
      for (int i = 1; i <= 10; i++) {
        JsonNode l = lines.get(i);
        assertEquals(i, l.get("step").asInt());
        assertEquals(i <= 5 ? 0 : 1, l.get("epoch").asInt());
        assertEquals(l.get("loss").asDouble(), l.get("contrastive_loss").asDouble());
        assertTrue(l.get("lr").asDouble() > 0 && l.get("memory_mb").asDouble() > 0 && l.get("samples_per_s").asDouble() > 0);
        assertEquals(i == 5 || i == 10, l.has("test_top1"), "eval at step " + i);
      }
      assertTrue(task.module().isTraining(), "training mode is restored after evaluation");
    }
  }

  @Test
  void aNanLossStopsBeforeTheUpdateAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      ContrastiveTask inner = Tiny.task(Tiny.clip(m, 2), m);
      Poisoned poisoned = new Poisoned(inner, 8);
      Trainer<TrainBatch, ContrastiveTask.Outputs> trainer = new Trainer<>(poisoned, CFG, m);
      Checkpoints checkpoints = new Checkpoints(dir.resolve("ck"));
      MetricsLog log = new MetricsLog(dir.resolve("metrics.jsonl"));
      NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
          () -> trainer.run(Tiny.loader(4, 20), null, checkpoints, log, TrainListener.NONE));
      assertEquals(8, e.step());
      assertTrue(e.getMessage().contains("step 8") && e.getMessage().contains("NaN"), e.getMessage());
      assertTrue(e.getMessage().contains("step-000005"), "names the last good checkpoint: " + e.getMessage());
      assertEquals(7, trainer.step());
      assertEquals(List.of(dir.resolve("ck").resolve("step-000005")), checkpoints.complete());
      assertEquals(7, log.read().size(), "the NaN step is not logged");
      for (NDArray w : inner.module().stateDict().values()) {
        assertTrue(Double.isFinite(w.sum().getFloat()), "weights stay finite");
      }
    }
  }

  @Test
  void aLockedImageTowerDoesNotMove() {
    try (NDManager m = NDManager.newBaseManager()) {
      Clip clip = Tiny.clip(m, 4);
      clip.visual().freeze(true);
      Map<String, NDArray> visual = copy(clip.visual());
      Map<String, NDArray> text = copy(clip.text());
      ContrastiveTask task = Tiny.task(clip, m);
      Trainer<TrainBatch, ContrastiveTask.Outputs> trainer = new Trainer<>(task,
          Tiny.config("{'model': 'tiny', 'batch_size': 4, 'lock_image': true, 'steps': 3}"), m);
      try (dev.vlt.data.Loader.Run run = Tiny.loader(4, 40).open(m)) {
        for (int i = 0; i < 3; i++) {
          try (NDScope scope = new NDScope()) {
            trainer.step(List.of(task.collate(run.next(), m)), 4);
          }
        }
      }
      copy(clip.visual()).forEach((k, v) -> assertEquals(0.0, Parity.maxAbsDiff(visual.get(k), v), k));
      assertTrue(Parity.maxAbsDiff(text.get("text_projection"), clip.text().stateDict().get("text_projection")) > 0);
      assertTrue(trainer.optimizer().firstMoments().keySet().stream().noneMatch(k -> k.startsWith("visual.")));
    }
  }

  @Test
  void theTemperatureIsClampedToLn100() {
    try (NDManager m = NDManager.newBaseManager()) {
      Clip clip = Tiny.clip(m, 5);
      clip.logitScale().value().set(new float[] {6f});
      Trainer<TrainBatch, ContrastiveTask.Outputs> trainer = new Trainer<>(Tiny.task(clip, m),
          Tiny.config("{'model': 'tiny', 'batch_size': 4, 'steps': 3}"), m);
      try (NDScope scope = new NDScope()) {
        trainer.step(List.of(Tiny.batch(m, 4)), 4);
      }
      assertEquals(Math.log(100), clip.logitScale().value().getFloat(), 1e-6);
    }
  }

  private static Map<String, NDArray> copy(Module module) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    module.stateDict().forEach((k, v) -> out.put(k, v.duplicate()));
    return out;
  }

  /** The task with a NaN loss at one call: the NaN test's injection point. */
  private record Poisoned(ContrastiveTask inner, int poisonAt, int[] calls) implements WrappedTask {
    Poisoned(ContrastiveTask inner, int poisonAt) {
      this(inner, poisonAt, new int[1]);
    }

    @Override
    public LossTerms loss(ContrastiveTask.Outputs outputs) {
      LossTerms l = inner.loss(outputs);
      return ++calls[0] == poisonAt ? LossTerms.of("contrastive_loss", l.total().mul(Float.NaN)) : l;
    }
  }
}
