package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.data.Loader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed between checkpoints and resumed keeps its whole history: metrics.jsonl (and the plots drawn from it) read as
 * the uninterrupted run's, step for step, and a task's own state (a queue, NLIP's per-sample losses) comes back exactly.
 */
@ExtendWith(OneThread.class)
class ResumeHistoryTest {
  /** 4 steps an epoch, a checkpoint at each epoch's end. */
  private static final String RUN = "{'model': 'tiny', 'data': 'shapes', 'batch_size': 8, 'steps': 8, 'train_num_samples': 32, "
      + "'save_frequency': 1, 'zeroshot_frequency': 0, 'workers': 1, 'log_every_n_steps': 100}";

  @Test
  void aKilledRunResumesWithItsWholeLossHistory(@TempDir Path tmp) throws IOException {
    TrainConfig cfg = Tiny.config(RUN);
    List<JsonNode> whole;
    try (TrainRun run = TrainRun.create(tmp.resolve("whole"), cfg)) {
      run.run(TrainListener.NONE);
      whole = run.metrics().read();
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), steps(whole));

    Path killed = tmp.resolve("killed");
    List<JsonNode> beforeKill;
    try (TrainRun run = TrainRun.create(killed, cfg)) {
      assertThrows(IllegalStateException.class, () -> run.run(killedAt(6)));
      beforeKill = run.metrics().read();
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), steps(beforeKill), "step 5 was logged after the last checkpoint (step 4)");
    Path lossPlot = killed.resolve(TrainRun.PLOTS).resolve(RunPlots.LOSS);
    Files.setLastModifiedTime(lossPlot, FileTime.fromMillis(0));

    try (TrainRun run = TrainRun.resume(killed)) {
      assertEquals(4, run.resumedFrom().orElseThrow().step());
      assertEquals(List.of(1L, 2L, 3L, 4L), steps(run.metrics().read()), "the lines past the checkpoint are dropped");
      run.run(TrainListener.NONE);
    }
    List<JsonNode> resumed = new MetricsLog(killed.resolve(TrainRun.METRICS)).read();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), steps(resumed), "each step once, before and after the resume");
    assertEquals(losses(beforeKill).subList(0, 4), losses(resumed).subList(0, 4), "the history before the resume is kept as logged");
    assertEquals(losses(whole), losses(resumed), "and the whole history is the uninterrupted run's");
    assertTrue(Files.getLastModifiedTime(lossPlot).toMillis() > 0, "the plots are redrawn from the whole history");
  }

  @Test
  void aTasksOwnStateTravelsInTheCheckpoint(@TempDir Path dir) throws IOException {
    TrainConfig cfg = Tiny.config("{'model': 'tiny', 'batch_size': 4, 'steps': 100}");
    try (NDManager m = NDManager.newBaseManager(); NDManager m2 = NDManager.newBaseManager();
        Loader.Run source = Tiny.loader(4, 400).open(m)) {
      QueueTask task = new QueueTask(Tiny.task(Tiny.clip(m, 1), m));
      Trainer<TrainBatch, ContrastiveTask.Outputs> trainer = new Trainer<>(task, cfg, m);
      for (int i = 0; i < 3; i++) {
        try (NDScope scope = new NDScope()) {
          task.last = task.collate(source.next(), m);
          assertTrue(trainer.step(List.of(task.last), 4).finite());
        }
      }
      assertEquals(3, task.queue.size());
      Path saved = new Checkpoints(dir).save(task, trainer.optimizer(), new TrainerState(3, source.position(), 0, 3, 12, 0));

      QueueTask other = new QueueTask(Tiny.task(Tiny.clip(m2, 7), m2));
      new Trainer<>(other, cfg, m2).resume(saved);
      assertEquals(task.queue.size(), other.queue.size());
      for (int i = 0; i < task.queue.size(); i++) assertArrayEquals(task.queue.get(i), other.queue.get(i), 0f, "queue row " + i);

      // a task without state reads the same checkpoint (its state is simply not asked for)
      ContrastiveTask plain = Tiny.task(Tiny.clip(m2, 8), m2);
      assertEquals(3, new Trainer<>(plain, cfg, m2).resume(saved).step());
    }
  }

  /** A contrastive task that keeps a queue of each step's mean image feature, as a memory-bank task would. */
  private static final class QueueTask implements WrappedTask {
    final ContrastiveTask inner;
    final List<float[]> queue = new ArrayList<>();
    TrainBatch last;

    QueueTask(ContrastiveTask inner) {
      this.inner = inner;
    }

    @Override
    public ContrastiveTask inner() {
      return inner;
    }

    @Override
    public void afterStep() {
      inner.afterStep();
      queue.add(inner.forward(last).imageFeatures().mean(new int[] {0}).toFloatArray());
    }

    @Override
    public Map<String, NDArray> state(NDManager manager) {
      float[] flat = new float[queue.size() * queue.get(0).length];
      for (int i = 0; i < queue.size(); i++) System.arraycopy(queue.get(i), 0, flat, i * queue.get(i).length, queue.get(i).length);
      return Map.of("queue", manager.create(flat, new ai.djl.ndarray.types.Shape(queue.size(), queue.get(0).length)));
    }

    @Override
    public void restoreState(Map<String, NDArray> state) {
      queue.clear();
      NDArray q = state.get("queue");
      for (int i = 0; i < q.getShape().get(0); i++) queue.add(q.get(i).toFloatArray());
    }
  }

  /** A listener that throws when step {@code step} is done, before it is logged: the process dies there. */
  static TrainListener killedAt(long step) {
    return new TrainListener() {
      @Override
      public void stepped(StepMetrics m) {
        if (m.step() == step) throw new IllegalStateException("killed");
      }
    };
  }

  private static List<Long> steps(List<JsonNode> lines) {
    return lines.stream().map(n -> n.path("step").asLong()).toList();
  }

  private static List<Double> losses(List<JsonNode> lines) {
    return lines.stream().map(n -> n.path("loss").asDouble()).toList();
  }
}
