package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.vlt.Parity;
import dev.vlt.data.Loader;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints restore weights, moments and position exactly; a failed write leaves the previous checkpoint intact. */
@ExtendWith(OneThread.class)
class CheckpointsTest {
  private static final TrainConfig CFG = Tiny.config("{'model': 'tiny', 'batch_size': 4, 'steps': 100, 'task': 'sigmoid'}");

  @Test
  void roundTripRestoresEverythingAndAFullDiskKeepsThePreviousCheckpoint(@TempDir Path dir) throws IOException {
    try (NDManager m = NDManager.newBaseManager(); NDManager m2 = NDManager.newBaseManager();
        Loader.Run source = Tiny.loader(4, 400).open(m)) {
      Clip clip = Tiny.clip(m, 1);
      ContrastiveTask task = new ContrastiveTask(clip, ContrastiveTask.Objective.SIGMOID, -10, m,
          ModelWriter.of(Tiny.CONFIG, clip, Tiny.PREPROCESS, List.of()));
      Trainer<TrainBatch, ContrastiveTask.Outputs> trainer = new Trainer<>(task, CFG, m);
      train(trainer, task, source, m, 3);
      Checkpoints checkpoints = new Checkpoints(dir);
      TrainerState state = new TrainerState(trainer.step(), source.position(), 0, trainer.optimizer().stepCount(), 12, 0);
      Path first = checkpoints.save(task, trainer.optimizer(), state);
      assertEquals("step-000003", first.getFileName().toString());
      assertTrue(Models.isModelFolder(first.resolve("model")));

      // a second task from other weights takes on the first one's weights, moments (incl. the SigLIP bias) and position
      ContrastiveTask other = new ContrastiveTask(Tiny.clip(m2, 99), ContrastiveTask.Objective.SIGMOID, 0, m2, ModelWriter.NONE);
      Trainer<TrainBatch, ContrastiveTask.Outputs> resumed = new Trainer<>(other, CFG, m2);
      TrainerState back = resumed.resume(first);
      assertEquals(state, back);
      assertEquals(source.position(), resumed.position(), "the data position comes back with the weights");
      assertSame(task.module().stateDict(), other.module().stateDict());
      assertSame(trainer.optimizer().firstMoments(), resumed.optimizer().firstMoments());
      assertSame(trainer.optimizer().secondMoments(), resumed.optimizer().secondMoments());
      assertEquals(3, resumed.optimizer().stepCount());

      // the disk fills up while writing the next checkpoint's optimizer file
      train(trainer, task, source, m, 2);
      Checkpoints full = new Checkpoints(dir, file -> {
        if (file.equals(Checkpoints.OPTIMIZER)) throw new IOException("No space left on device");
      });
      TrainerState later = new TrainerState(trainer.step(), source.position(), 0, trainer.optimizer().stepCount(), 20, 0);
      IOException e = assertThrows(IOException.class, () -> full.save(task, trainer.optimizer(), later));
      assertTrue(e.getMessage().contains("No space"));
      assertEquals(List.of(first), checkpoints.complete());
      try (Stream<Path> s = Files.list(dir)) {
        assertEquals(List.of(first), s.toList(), "no temporary folder is left behind");
      }
      assertEquals(state, Checkpoints.load(first, other, resumed.optimizer(), m2), "the previous checkpoint still loads");

      // with space again, the new checkpoint replaces the old one only once complete
      Path second = checkpoints.save(task, trainer.optimizer(), later);
      assertEquals(List.of(second), checkpoints.complete());
      assertEquals(second, checkpoints.latest().orElseThrow());
      assertFalse(Files.exists(first));
    }
  }

  @Test
  void incompleteFoldersAreIgnoredAndRemoved(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve(".step-000040.tmp").resolve("model"));
    Files.createDirectories(dir.resolve("step-000010"));
    Checkpoints c = new Checkpoints(dir);
    assertEquals(dir.resolve("step-000010"), c.latest().orElseThrow());
    c.removeIncomplete();
    assertFalse(Files.exists(dir.resolve(".step-000040.tmp")));
  }

  private static void train(Trainer<TrainBatch, ContrastiveTask.Outputs> trainer, ContrastiveTask task, Loader.Run source, NDManager m,
      int steps) {
    for (int i = 0; i < steps; i++) {
      try (NDScope scope = new NDScope()) {
        assertTrue(trainer.step(List.of(task.collate(source.next(), m)), 4).finite());
      }
    }
  }

  private static void assertSame(Map<String, NDArray> expected, Map<String, NDArray> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertEquals(0.0, Parity.maxAbsDiff(v, actual.get(k)), k));
  }
}
