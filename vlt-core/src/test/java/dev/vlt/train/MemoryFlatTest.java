package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arrays made inside a step die with the step: 1,000 steps of the Trainer's loop (fresh ShapesWorld batches of 4, the
 * tiny CLIP, a metrics line per step) leave the manager holding exactly the arrays it held at step 100, and resident
 * memory flat. RSS wobbles by tens of MB with the native allocator's free lists, so windows are compared by their minimum.
 */
@ExtendWith(OneThread.class)
class MemoryFlatTest {
  @Test
  void thousandStepsStayFlat(@TempDir Path dir) throws IOException {
    TrainConfig cfg = Tiny.config("{'model': 'tiny', 'batch_size': 4, 'train_num_samples': 4000, 'epochs': 1, "
        + "'save_frequency': 1000, 'zeroshot_frequency': 0}");
    assertEquals(1000, cfg.totalSteps());
    List<Double> rss = new ArrayList<>();
    int[] arrays = new int[2];
    long t0 = System.nanoTime();
    try (NDManager m = NDManager.newBaseManager()) {
      TrainListener probe = new TrainListener() {
        @Override
        public void stepped(StepMetrics s) {
          if (s.step() % 50 == 0 && s.step() >= 100) {
            System.gc();
            rss.add(Memory.residentMb());
          }
          if (s.step() == 100 || s.step() == 1000) arrays[s.step() == 100 ? 0 : 1] = ((BaseNDManager) m).getManagedArrays().size();
        }
      };
      Trainer<TrainBatch, ContrastiveTask.Outputs> trainer = new Trainer<>(Tiny.task(Tiny.clip(m, 1), m), cfg, m);
      trainer.run(Tiny.loader(4, 4000), null, new Checkpoints(dir.resolve("ck")), new MetricsLog(dir.resolve("m.jsonl")), probe);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<JsonNode> lines = new MetricsLog(dir.resolve("m.jsonl")).read();
    double first = meanLoss(lines.subList(0, 100));
    double last = meanLoss(lines.subList(900, 1000));
    double early = Collections.min(rss.subList(0, 5));               // steps 100-300
    double late = Collections.min(rss.subList(rss.size() - 5, rss.size()));  // steps 800-1000
    System.out.printf("1000 steps in %.1f s; RSS (min over a window) steps 100-300: %.0f MB, 800-1000: %.0f MB; "
        + "arrays held %d -> %d; mean loss %.3f -> %.3f%n", seconds, early, late, arrays[0], arrays[1], first, last);
    assertEquals(1000, lines.size());
    assertEquals(arrays[0], arrays[1], "arrays left in the manager by steps 100-1000");
    assertTrue(late - early < 64, "resident memory grew by " + (late - early) + " MB over 900 steps");
    assertTrue(last < first, "the loss should fall: mean " + first + " over the first 100 steps, " + last + " over the last");
  }

  private static double meanLoss(List<JsonNode> lines) {
    return lines.stream().mapToDouble(l -> l.get("loss").asDouble()).average().orElseThrow();
  }
}
