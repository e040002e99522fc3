package dev.vlt.models.pacl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.models.Architectures;
import dev.vlt.models.Capability;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.objectives.PatchAlignedLoss;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PACL's config, shapes, gradients, and the start of PACL over a trained CLIP at the CLIP patch baseline. */
class PaclTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void configReadsBackAndRejectsUnknownFields() throws Exception {
    PaclConfig c = Models.config("pacl-shapes-small", PaclConfig.class);
    assertEquals(256, c.hidden());
    assertEquals(Architectures.PACL, Architectures.get(c.arch()));
    assertEquals(c, PaclConfig.fromJson(c.toJson(JSON)));
    PaclConfig t = c.withBackgroundThreshold(0.25);
    assertEquals(t, PaclConfig.fromJson(t.toJson(JSON)));
    var bad = c.toJson(JSON);
    bad.with("pacl_cfg").put("hiden", 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PaclConfig.fromJson(bad));
    assertTrue(e.getMessage().contains("hiden"), e.getMessage());
    var none = c.toJson(JSON);
    none.remove("pacl_cfg");
    assertThrows(IllegalArgumentException.class, () -> PaclConfig.fromJson(none));
    assertTrue(Capability.SEGMENTATION.of(Pacl.class) && Capability.SEGMENTATION.of(Clip.class));
  }

  private static PaclConfig tiny() {
    return PaclConfig.over(Models.config("tiny", ClipConfig.class));
  }

  @Test
  void everyParameterButTheUnusedImageProjectionGetsAGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      Pacl model = tiny().create();
      model.initialize(m, 3);
      model.train(true);
      try (NoGrad ng = NoGrad.open()) {  // the MLP branch starts at zero, which would leave its first layer without gradient
        Parameter w = model.embedder().namedParameters().get("mlp_proj.weight");
        w.set(m.randomNormal(0, 0.1f, w.shape(), ai.djl.ndarray.types.DataType.FLOAT32));
      }
      NDArray images = m.randomNormal(new Shape(3, 3, 32, 32));
      NDArray ids = m.create(new long[] {1, 5, 6, 999, 0, 1, 7, 999, 0, 0, 1, 8, 9, 10, 999}, new Shape(3, 5));
      NDArray patches = model.encodePatches(images, false);
      assertEquals(new Shape(3, 16, 32), patches.getShape());
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray text = Ops.l2Normalize(model.clip().textFeatures(ids, Trace.NONE));
        gc.backward(PatchAlignedLoss.compute(model.encodePatches(images, false), text, model.logitScale().value().exp()).total());
      }
      for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
        double sum = 0;
        for (float v : e.getValue().value().getGradient().toFloatArray()) {
          assertTrue(Float.isFinite(v), e.getKey() + " has a non-finite gradient");
          sum += Math.abs(v);
        }
        if (e.getKey().equals("visual.proj")) assertEquals(0, sum, "PACL's patches bypass CLIP's image projection");
        else assertTrue(sum > 0, e.getKey() + " gets no gradient");
      }
    }
  }

  @Test
  void paclOverATrainedClipStartsAtTheClipPatchBaselineAndFreezesItsTowers() {
    try (NDManager m = NDManager.newBaseManager()) {
      Clip clip = new Clip(Models.config("tiny", ClipConfig.class));
      clip.initialize(m, 5);
      Pacl pacl = Pacl.over(clip, 1, m);
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      try (NoGrad ng = NoGrad.open()) {
        float[] base = clip.encodePatches(images, true).toFloatArray();
        float[] start = pacl.encodePatches(images, true).toFloatArray();
        assertArrayEquals(base, start, 1e-5f);
      }
      new dev.vlt.train.PaclTask(pacl, true, dir -> {});
      for (Map.Entry<String, Parameter> e : pacl.namedParameters().entrySet()) {
        boolean trains = e.getKey().startsWith("patch_embedder.") || e.getKey().equals("logit_scale");
        assertEquals(!trains, e.getValue().isFrozen(), e.getKey());
      }
    }
  }
}
