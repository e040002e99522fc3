package dev.vlt.models.simla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.Models;
import dev.vlt.models.fusion.CrossAttentionFusion;
import dev.vlt.models.fusion.FusionConfig;
import dev.vlt.models.grounding.PatchBoxes;
import dev.vlt.tensor.Engines;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SimLA's config, the fusion's attention hooks, and Grad-CAM: a planted region, the true derivative, batch independence. */
class SimlaTest {
  @BeforeAll
  static void oneThread() {
    Engines.setThreads(1);
  }

  @Test
  void configReadsBackEqualAndRejectsWhatItCannotBuild() {
    ObjectMapper json = new ObjectMapper();
    SimlaConfig cfg = Models.config("simla-shapes-small", SimlaConfig.class);
    assertEquals(cfg, SimlaConfig.fromJson(cfg.toJson(json)));
    ObjectNode o = cfg.toJson(json);
    o.put("gradcam_layer", 0).put("psl_keywords", 3).put("box_min_patches", 2).put("box_max_patches", 5).put("box_level", 0.3);
    SimlaConfig other = SimlaConfig.fromJson(o);
    assertEquals(0, other.gradcamLayer());
    assertEquals(other, SimlaConfig.fromJson(other.toJson(json)));
    assertNotEquals(cfg, other);
    assertEquals(1022, cfg.tokenizerSpec().vocabSize() - 1, "the last id is left to [MASK]");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimlaConfig.fromJson(o.deepCopy().put("gradcam_layer", 2)));
    assertTrue(e.getMessage().contains("gradcam_layer"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SimlaConfig.fromJson(o.deepCopy().put("box_max_patches", 9)));
    assertTrue(e.getMessage().contains("box_min_patches"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SimlaConfig.fromJson(o.deepCopy().put("psl_keyword", 3)));
    assertTrue(e.getMessage().contains("psl_keyword"), e.getMessage());
  }

  @Test
  void gradCamSinglesOutThePlantedRegionNotTheMostAttendedOne() {
    int g = 4;
    int s = 1 + g * g;
    float[] w = new float[2 * 3 * s];   // [B=1, heads=2, L=3, S]
    float[] grad = new float[w.length];
    for (int h = 0; h < 2; h++) {
      for (int l = 0; l < 3; l++) {
        int row = (h * 3 + l) * s;
        w[row] = 0.9f;                                                           // [CLS] key: dropped
        grad[row] = 1f;
        for (int p : new int[] {6, 7, 10, 11}) { w[row + 1 + p] = 0.2f; grad[row + 1 + p] = 1f; }      // planted: rows 1-2, cols 2-3
        for (int p : new int[] {0, 1, 4, 5}) { w[row + 1 + p] = 0.3f; grad[row + 1 + p] = -1f; }       // attended, lowers the score
        if (l == 2) for (int p = 12; p < 16; p++) { w[row + 1 + p] = 0.9f; grad[row + 1 + p] = 5f; }  // the padding row
      }
    }
    PatchBoxes boxes = PatchBoxes.of(g, 1, g);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray weights = m.create(w, new Shape(1, 2, 3, s));
      NDArray map = GradCam.map(weights, m.create(grad, new Shape(1, 2, 3, s)), m.create(new long[] {1, 1, 0}, new Shape(1, 3)));
      assertEquals(new Shape(1, g * g), map.getShape());
      assertArrayEquals(new int[] {1, 2, 2, 2}, boxes.rects().get(boxes.best(GradCam.row(map, 0))));
      float[] attentionOnly = weights.mean(new int[] {1}).mean(new int[] {1}).get(new NDIndex(":, 1:")).toFloatArray();
      assertTrue(!java.util.Arrays.equals(new int[] {1, 2, 2, 2}, boxes.rects().get(boxes.best(attentionOnly))),
          "the attention alone points elsewhere: the gradient is what finds the region");
    }
  }

  @Test
  void theAttentionHooksLeaveTheFusionUnchanged() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ignored = NoGrad.open()) {
      CrossAttentionFusion fusion = new CrossAttentionFusion(new FusionConfig(32, 2, 4, 64, 1e-12), 32);
      fusion.initialize(m, 3);
      NDArray text = m.randomNormal(new Shape(2, 5, 32));
      NDArray image = m.randomNormal(new Shape(2, 7, 32));
      NDArray plain = fusion.forward(text, null, image, null);
      NDArray[] seen = new NDArray[2];
      for (int at = 0; at < 2; at++) {
        NDArray hooked = fusion.forward(text, null, image, null, at, w -> seen[0] = w, w -> seen[1] = w);
        assertTrue(plain.sub(hooked).abs().max().getFloat() < 1e-5, "layer " + at);
      }
      assertEquals(new Shape(2, 4, 5, 5), seen[0].getShape());
      assertEquals(new Shape(2, 4, 5, 7), seen[1].getShape());
      NDArray zeroed = fusion.forward(text, null, image, null, 1, UnaryOperator.identity(), NDArray::zerosLike);
      assertTrue(plain.sub(zeroed).abs().max().getFloat() > 1e-3, "replaced weights are the ones used");
    }
  }

  @Test
  void gradCamReadsTheTrueDerivativeOfTheMatchScorePerPairInABatch() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ignored = NoGrad.open()) {
      Simla model = Models.config("simla-shapes-small", SimlaConfig.class).create();
      model.initialize(m, 7);
      model.train(false);
      long frozenBefore = model.namedParameters().values().stream().filter(Parameter::isFrozen).count();
      NDArray images = m.randomNormal(new Shape(2, 3, 64, 64));
      NDArray ids = m.create(new long[] {1, 40, 41, 42, 2, 0, 1, 50, 2, 0, 0, 0}, new Shape(2, 6));
      Simla.Heat heat = model.gradCam(images, ids);
      assertEquals(frozenBefore, model.namedParameters().values().stream().filter(Parameter::isFrozen).count(),
          "parameters unfrozen again");
      assertEquals(new Shape(2, 64), heat.maps().getShape());
      // the largest gradient entry of pair 1, checked against a finite difference of its score
      float[] gr = heat.grads().get(1).toFloatArray();
      int k = 0;
      for (int i = 0; i < gr.length; i++) if (Math.abs(gr[i]) > Math.abs(gr[k])) k = i;
      assertTrue(Math.abs(gr[k]) > 1e-6, "a gradient reached the attention");
      float eps = 1e-3f;
      float[] bump = new float[(int) heat.weights().size()];
      bump[gr.length + k] = eps;
      NDArray delta = m.create(bump, heat.weights().getShape());
      float base = model.matchLogits(images, ids, UnaryOperator.identity()).getFloat(1, 1);
      float moved = model.matchLogits(images, ids, w -> w.add(delta)).getFloat(1, 1);
      float other = model.matchLogits(images, ids, w -> w.add(delta)).getFloat(0, 1);
      assertEquals(gr[k], (moved - base) / eps, 0.05 * Math.abs(gr[k]) + 1e-3, "d score / d attention");
      assertEquals(model.matchLogits(images, ids, UnaryOperator.identity()).getFloat(0, 1), other, 1e-6, "rows are independent");
      // pair 1 alone gives its batched map
      Simla.Heat alone = model.gradCam(images.get(new NDIndex("1:2")), ids.get(new NDIndex("1:2, :3")));
      assertTrue(alone.maps().get(0).sub(heat.maps().get(1)).abs().max().getFloat() < 1e-5);
      // and grounding answers with a proposal box inside the frame
      float[] b = model.ground(images, ids).boxes().toType(DataType.FLOAT32, false).toFloatArray();
      for (int i = 0; i < 2; i++) {
        assertTrue(b[4 * i + 2] > 0 && b[4 * i + 3] > 0);
        assertTrue(b[4 * i] - b[4 * i + 2] / 2 >= -1e-6 && b[4 * i] + b[4 * i + 2] / 2 <= 1 + 1e-6);
      }
    }
  }
}
