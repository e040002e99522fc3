package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.objectives.ContrastiveLoss;
import dev.vlt.tensor.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Arrays made inside a step die with the step: 1,000 training steps of a tiny CLIP keep resident memory flat. */
class MemoryFlatTest {
  /** open_clip's clamp of the temperature to [0, ln 100]; without it a memorised batch drives exp(scale) to inf. */
  static void clampLogitScale(Clip model) {
    NDArray s = model.logitScale().value();
    try (dev.vlt.tensor.NoGrad ng = dev.vlt.tensor.NoGrad.open()) {
      s.set(new float[] {Math.max(0f, Math.min((float) Math.log(100), s.getFloat()))});
    }
  }

  /** Resident memory outside the Java heap: native tensors, libraries, malloc arenas. */
  static long nativeKb() throws Exception {
    return rssKb() - Runtime.getRuntime().totalMemory() / 1024;
  }

  static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
    }
    throw new IllegalStateException("no VmRSS");
  }

  @Test
  void thousandStepsStayFlat() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Clip model = new Clip(Models.config("tiny"));
      model.initialize(m, 1);
      model.train(true);
      AdamW opt = new AdamW(model.namedParameters(), ParamGroups.weightDecay(model.namedParameters(), 0.1),
          new AdamW.Hyper(0.9, 0.98, 1e-6), m);
      NDArray images = m.randomNormal(new Shape(4, 3, 32, 32));
      NDArray ids = m.randomInteger(1, 998, new Shape(4, 16), ai.djl.ndarray.types.DataType.INT64);
      java.util.List<Long> samples = new java.util.ArrayList<>();
      int arraysWarm = 0;
      float first = 0;
      float last = 0;
      for (int step = 0; step < 1000; step++) {
        try (NDScope scope = new NDScope()) {
          NDArray loss;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            ClipOutput out = model.forward(images, ids, Trace.NONE);
            loss = ContrastiveLoss.compute(out.imageFeatures(), out.textFeatures(), out.logitScale()).total();
            gc.backward(loss);
          }
          Gradients.clipGlobalNorm(model.namedParameters().values(), 1.0);
          opt.step(1e-3);
          clampLogitScale(model);
          Gradients.zero(model.namedParameters().values());
          if (step == 0) first = loss.getFloat();
          last = loss.getFloat();
        }
        if (step % 100 == 0 && step > 0) {
          System.gc();
          samples.add(nativeKb());
          if (step == 100) arraysWarm = m.getManagedArrays().size();
        }
      }
      // the allocator's footprint swings by tens of MB from sample to sample; a leak shows as the late peak rising
      long warm = java.util.Collections.max(samples.subList(0, 3));
      long end = java.util.Collections.max(samples.subList(samples.size() - 3, samples.size()));
      int arraysEnd = m.getManagedArrays().size();
      System.out.printf("native resident memory peak over steps 100-300: %d MB, over steps 800-1000: %d MB; live arrays %d -> %d; loss %.3f -> %.3f%n",
          warm / 1024, end / 1024, arraysWarm, arraysEnd, first, last);
      // the exact check: nothing made in a step survives it
      assertEquals(arraysWarm, arraysEnd, "arrays left behind by 900 steps");
      // the process-level check is looser: the JVM heap and malloc arenas breathe, a per-step leak would not
      assertTrue(end - warm < 128 * 1024, "native resident memory grew by " + (end - warm) / 1024 + " MB over 900 steps");
      assertTrue(last < first * 0.5, "the fixed batch should be memorised: loss " + first + " -> " + last);
    }
  }
}
