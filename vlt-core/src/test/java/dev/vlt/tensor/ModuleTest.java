package dev.vlt.tensor;

import dev.vlt.models.clip.ClipConfig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import dev.vlt.nn.Linear;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {
  static final class Pair extends Module {
    Pair() {
      child("a", new Linear(2, 3));
      child("b", new Linear(3, 1, false));
    }
  }

  @Test
  void dottedNamesAreCheckpointKeys() {
    assertEquals(List.of("a.weight", "a.bias", "b.weight"), List.copyOf(new Pair().namedParameters().keySet()));
    Clip clip = new Clip(Models.config("tiny", ClipConfig.class));
    Map<String, Parameter> p = clip.namedParameters();
    assertTrue(p.containsKey("visual.transformer.resblocks.0.attn.in_proj_weight"));
    assertTrue(p.containsKey("token_embedding.weight"));       // CLIP's text tower sits at the root
    assertTrue(p.containsKey("transformer.resblocks.1.mlp.c_proj.bias"));
    assertEquals(new Shape(), p.get("logit_scale").shape());
    assertEquals(62, p.size());
    assertEquals(282_881, clip.parameterCount());
  }

  @Test
  void seededInitIsReproducibleAndNameKeyed() {
    try (NDManager m = NDManager.newBaseManager()) {
      Pair x = new Pair();
      Pair y = new Pair();
      x.initialize(m, 42);
      y.initialize(m, 42);
      assertArrayEquals(x.stateDict().get("a.weight").toFloatArray(), y.stateDict().get("a.weight").toFloatArray());
      Pair z = new Pair();
      z.initialize(m, 43);
      assertFalse(java.util.Arrays.equals(x.stateDict().get("a.weight").toFloatArray(), z.stateDict().get("a.weight").toFloatArray()));
    }
  }

  @Test
  void strictLoadReportsEveryProblemAtOnce() {
    try (NDManager m = NDManager.newBaseManager()) {
      Pair model = new Pair();
      Map<String, NDArray> sd = new LinkedHashMap<>();
      sd.put("a.weight", m.zeros(new Shape(3, 2)));
      sd.put("a.bias", m.zeros(new Shape(4)));           // wrong shape
      sd.put("c.weight", m.zeros(new Shape(1)));         // unexpected
      // b.weight missing
      CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, () -> model.load(m, sd));
      assertEquals(List.of("b.weight"), e.missing());
      assertEquals(List.of("c.weight"), e.unexpected());
      assertEquals(1, e.wrongShape().size());
      assertTrue(e.getMessage().contains("a.bias") && e.getMessage().contains("b.weight") && e.getMessage().contains("c.weight"));
    }
  }

  @Test
  void loadCopiesValues() {
    try (NDManager m = NDManager.newBaseManager()) {
      Pair model = new Pair();
      Map<String, NDArray> sd = new LinkedHashMap<>();
      sd.put("a.weight", m.arange(6f).reshape(3, 2));
      sd.put("a.bias", m.ones(new Shape(3)));
      sd.put("b.weight", m.ones(new Shape(1, 3)));
      model.load(m, sd);
      assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, model.stateDict().get("a.weight").toFloatArray());
      sd.get("a.weight").set(new float[] {9, 9, 9, 9, 9, 9});
      assertEquals(0f, model.stateDict().get("a.weight").toFloatArray()[0]); // not aliased
    }
  }

  /** A module with state beside its weights, as ALBEF's queues sit beside its projections. */
  static final class WithState extends Module {
    final Buffer queue;
    final Buffer ids;

    WithState() {
      child("proj", new Linear(2, 3));
      queue = buffer("queue", ai.djl.ndarray.types.DataType.FLOAT32, new Init.UnitColumns(), 4, 5);
      ids = buffer("ids", ai.djl.ndarray.types.DataType.INT64, new Init.Constant(-100), 1, 5);
    }
  }

  @Test
  void buffersAreCheckpointedButNotTrained() {
    try (NDManager m = NDManager.newBaseManager()) {
      WithState model = new WithState();
      assertEquals(List.of("proj.weight", "proj.bias"), List.copyOf(model.namedParameters().keySet()));
      assertEquals(List.of("queue", "ids"), List.copyOf(model.namedBuffers().keySet()));
      assertEquals(9, model.parameterCount());  // buffers are not parameters
      model.initialize(m, 1);
      assertEquals(List.of("proj.weight", "proj.bias", "queue", "ids"), List.copyOf(model.stateDict().keySet()));
      assertEquals(ai.djl.ndarray.types.DataType.INT64, model.ids.value().getDataType());
      assertArrayEquals(new long[] {-100, -100, -100, -100, -100}, model.ids.value().toLongArray());
      float[] q = model.queue.value().toFloatArray();  // [4, 5]: each column a unit vector
      for (int c = 0; c < 5; c++) {
        double sq = 0;
        for (int r = 0; r < 4; r++) sq += q[r * 5 + c] * q[r * 5 + c];
        assertEquals(1.0, sq, 1e-6);
      }

      Map<String, NDArray> sd = new LinkedHashMap<>();
      sd.put("proj.weight", m.zeros(new Shape(3, 2)));
      sd.put("proj.bias", m.zeros(new Shape(3)));
      sd.put("queue", m.ones(new Shape(4, 5)));
      CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, () -> model.load(m, sd));
      assertEquals(List.of("ids"), e.missing());
      sd.put("ids", m.create(new float[] {1, 2, 3, 4, 5}, new Shape(1, 5)));  // stored as float: loaded as the buffer's int64
      model.load(m, sd);
      assertEquals(ai.djl.ndarray.types.DataType.INT64, model.ids.value().getDataType());
      assertArrayEquals(new long[] {1, 2, 3, 4, 5}, model.ids.value().toLongArray());
      assertFalse(model.queue.value().hasGradient());
    }
  }

  @Test
  void trainModeReachesInlinedAndNestedModules() {
    Clip clip = new Clip(Models.config("tiny", ClipConfig.class));
    clip.train(true);
    assertTrue(clip.visual().isTraining());
    assertTrue(clip.text().isTraining());
    clip.train(false);
    assertFalse(clip.text().isTraining());
  }
}
