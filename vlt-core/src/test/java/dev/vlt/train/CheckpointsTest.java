package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.vlt.Parity;
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
  private static final TrainConfig CFG = Tiny.config("{'model': 'tiny', 'batch_size': 4, 'steps': 100, 'loss': 'sigmoid'}");

  @Test
  void roundTripRestoresEverythingAndAFullDiskKeepsThePreviousCheckpoint(@TempDir Path dir) throws IOException {
    try (NDManager m = NDManager.newBaseManager(); NDManager m2 = NDManager.newBaseManager()) {
      ClipTask task = new ClipTask(Tiny.clip(m, 1), Tiny.PREPROCESS, List.of(), ClipTask.Objective.SIGMOID, -10, m);
      Trainer trainer = new Trainer(task, CFG, m);
      ShapesSource source = Tiny.source(4, 400);
      train(trainer, source, m, 3);
      Checkpoints checkpoints = new Checkpoints(dir);
      TrainerState state = new TrainerState(trainer.step(), source.position(), 0, trainer.optimizer().stepCount(), 12, 0);
      Path first = checkpoints.save(task, trainer.optimizer(), state);
      assertEquals("step-000003", first.getFileName().toString());
      assertTrue(Models.isModelFolder(first.resolve("model")));

      // a second task from other weights takes on the first one's weights, moments (incl. the SigLIP bias) and position
      ClipTask other = new ClipTask(Tiny.clip(m2, 99), Tiny.PREPROCESS, List.of(), ClipTask.Objective.SIGMOID, 0, m2);
      Trainer resumed = new Trainer(other, CFG, m2);
      ShapesSource source2 = Tiny.source(4, 400);
      TrainerState back = resumed.resume(first, source2);
      assertEquals(state, back);
      assertEquals(source.position(), source2.position());
      assertSame(task.module().stateDict(), other.module().stateDict());
      assertSame(trainer.optimizer().firstMoments(), resumed.optimizer().firstMoments());
      assertSame(trainer.optimizer().secondMoments(), resumed.optimizer().secondMoments());
      assertEquals(3, resumed.optimizer().stepCount());

      // the disk fills up while writing the next checkpoint's optimizer file
      train(trainer, source, m, 2);
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

  private static void train(Trainer trainer, ShapesSource source, NDManager m, int steps) {
    for (int i = 0; i < steps; i++) {
      try (NDScope scope = new NDScope()) {
        assertTrue(trainer.step(List.of(source.next(m))).finite());
      }
    }
  }

  private static void assertSame(Map<String, NDArray> expected, Map<String, NDArray> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertEquals(0.0, Parity.maxAbsDiff(v, actual.get(k)), k));
  }
}
