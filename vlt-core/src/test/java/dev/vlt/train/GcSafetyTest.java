package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.vlt.models.clip.Clip;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gradients do not depend on when the garbage collector runs. DJL's {@code x.div(Number)} frees its scalar's Java buffer
 * right after the op while autograd still holds it for backward; with a collector running throughout, the attention
 * scale and the loss's 1/2 then read freed memory and gradients came out as garbage or NaN (see Ops.mul/div).
 */
@ExtendWith(OneThread.class)
class GcSafetyTest {
  @Test
  void gradientsAreTheSameWhileTheCollectorRuns() throws InterruptedException {
    try (NDManager m = NDManager.newBaseManager()) {
      Clip clip = Tiny.clip(m, 7);
      clip.train(true);
      ContrastiveTask task = Tiny.task(clip, m);
      TrainBatch batch = Tiny.batch(m, 8);
      Trainer<TrainBatch, ContrastiveTask.Outputs> trainer = new Trainer<>(task, Tiny.config("{'model': 'tiny', 'batch_size': 8, 'steps': 10}"), m);
      double expected = gradientNorm(trainer, task, batch);
      Thread collector = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          System.gc();
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      collector.setDaemon(true);
      collector.start();
      try {
        for (int i = 0; i < 15; i++) assertEquals(expected, gradientNorm(trainer, task, batch), 0.0, "pass " + i);
      } finally {
        collector.interrupt();
        collector.join();
      }
    }
  }

  private static double gradientNorm(Trainer<TrainBatch, ContrastiveTask.Outputs> trainer, ContrastiveTask task, TrainBatch batch) {
    try (NDScope scope = new NDScope()) {
      trainer.backward(List.of(batch));
      double norm = Gradients.globalNorm(task.module().namedParameters().values());
      Gradients.zero(task.module().namedParameters().values());
      return norm;
    }
  }
}
