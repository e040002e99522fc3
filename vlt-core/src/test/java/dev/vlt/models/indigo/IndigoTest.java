package dev.vlt.models.indigo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.vlt.objectives.IndigoLoss;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** INDIGO's config, head shapes and probabilities, and that gradients reach everything but the frozen CLIP. */
class IndigoTest {
  static final List<String> CLASSES = List.of("Animals & Nature", "Food & Drink", "Flags");
  static final List<String> DOMAINS = List.of("original", "sketch");
  static final List<String> TEMPLATES = List.of("an emoji of {}", "a sketch of {}");

  static IndigoConfig tiny() {
    return new IndigoConfig(Models.config("tiny", ClipConfig.class), 32, 2, 4, 8, CLASSES, DOMAINS, TEMPLATES, "combined");
  }

  @Test
  void configReadsBackAndRejectsMistakes() {
    ObjectMapper json = new ObjectMapper();
    IndigoConfig c = tiny();
    assertEquals(c, IndigoConfig.fromJson(c.toJson(json)));
    assertEquals(Architectures.INDIGO, Architectures.get(c.arch()));
    assertTrue(Capability.CLASSIFICATION.of(Indigo.class));
    assertEquals(List.of("an emoji of animals & nature", "an emoji of food & drink", "an emoji of flags",
        "a sketch of animals & nature", "a sketch of food & drink", "a sketch of flags"), c.prompts());
    var bad = c.toJson(json);
    bad.with("indigo_cfg").put("widht", 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IndigoConfig.fromJson(bad));
    assertTrue(e.getMessage().contains("widht"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new IndigoConfig(c.clip(), 32, 2, 4, 8, CLASSES, DOMAINS,
        List.of("an emoji of {}"), "combined"));
    assertTrue(e.getMessage().contains("domain_templates"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.withPrediction("vote"));
  }

  @Test
  void headsHaveTheirShapesAndProbabilitiesSumToOne() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Indigo model = tiny().create();
      model.initialize(m, 1);
      model.setTextAnchors(m.randomNormal(new Shape(6, 32)));
      NDArray images = m.randomNormal(new Shape(5, 3, 32, 32));
      IndigoOutput o = model.forward(images);
      assertEquals(new Shape(5, 3), o.classLogits().getShape());
      assertEquals(new Shape(5, 6), o.textLogits().getShape());
      for (String p : IndigoConfig.PREDICTIONS) {
        NDArray probs = o.probabilities(p);
        assertEquals(new Shape(5, 3), probs.getShape(), p);
        for (float s : probs.sum(new int[] {1}).toFloatArray()) assertEquals(1f, s, 1e-5f, p);
      }
      // the text head's class probability is its softmax summed over the domains' prompts of that class
      float[] soft = o.textLogits().softmax(-1).toFloatArray();
      float[] text = o.textProbabilities().toFloatArray();
      assertEquals(soft[0] + soft[3], text[0], 1e-6f);
      assertEquals(soft[6 + 2] + soft[6 + 5], text[3 + 2], 1e-6f);
      // logits are the temperature times cosines: bounded by exp(logit_scale)
      float scale = o.logitScale().getFloat();
      assertEquals(1 / 0.07f, scale, 1e-3f);
      for (float v : o.textLogits().toFloatArray()) assertTrue(Math.abs(v) <= scale + 1e-3f);
      float[] combined = model.classify(images).toFloatArray();
      float[] cls = o.classTokenProbabilities().toFloatArray();
      assertEquals((cls[4] + text[4]) / 2, combined[4], 1e-6f);
    }
  }

  @Test
  void gradientsReachEveryTrainableParameterAndNoneReachesTheClip() {
    try (NDManager m = NDManager.newBaseManager()) {
      Clip clip = new Clip(Models.config("tiny", ClipConfig.class));
      clip.initialize(m, 5);
      Indigo model = Indigo.over(clip, tiny(), 2, m);
      model.setTextAnchors(m.randomNormal(new Shape(6, 32)));
      model.train(true);
      NDArray images = m.randomNormal(new Shape(4, 3, 32, 32));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        IndigoOutput o = model.forward(images);
        gc.backward(IndigoLoss.compute(o.classLogits(), o.textLogits(), m.create(new long[] {0, 1, 2, 1}),
            m.create(new long[] {0, 1, 1, 0})).total());
      }
      int clipParams = 0;
      for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
        boolean frozen = e.getKey().startsWith("clip.");
        assertEquals(frozen, e.getValue().isFrozen(), e.getKey());
        if (frozen) {
          clipParams++;
          assertFalse(e.getValue().value().hasGradient(), e.getKey() + " is frozen: the CLIP takes no gradient");
          continue;
        }
        double sum = 0;
        for (float v : e.getValue().value().getGradient().toFloatArray()) {
          assertTrue(Float.isFinite(v), e.getKey());
          sum += Math.abs(v);
        }
        assertTrue(sum > 0, e.getKey() + " gets no gradient");
      }
      assertEquals(clip.namedParameters().size(), clipParams);
    }
  }

  @Test
  void startingFromTheClipTowerCopiesItAndKeepsTheClipApart() {
    ClipConfig clipCfg = Models.config("tiny", ClipConfig.class);
    IndigoConfig c = IndigoConfig.over(clipCfg, CLASSES, DOMAINS, TEMPLATES);
    assertTrue(c.initFromClip());
    assertEquals(c, IndigoConfig.fromJson(c.toJson(new ObjectMapper())));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new IndigoConfig(clipCfg, 32, 2, 4, 8,
        CLASSES, DOMAINS, TEMPLATES, "combined", true, false));
    assertTrue(e.getMessage().contains("init_from_clip"), e.getMessage());
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Clip clip = new Clip(clipCfg);
      clip.initialize(m, 5);
      Indigo model = Indigo.over(clip, c, 7, m);
      NDArray conv = clip.visual().namedParameters().get("conv1.weight").value();
      NDArray patch = model.vit().namedParameters().get("patch_embed.proj.weight").value();
      assertEquals(0f, conv.sub(patch).abs().max().getFloat());
      // the CLIP token's head starts as the frozen CLIP's zero-shot over the prompts (token_skip, projection at zero)
      assertFalse(c.tokenSkip(), "off by default");
      IndigoConfig skip = new IndigoConfig(clipCfg, c.width(), c.depth(), c.heads(), c.patchSize(), CLASSES, DOMAINS, TEMPLATES,
          "combined", true, true);
      assertEquals(skip, IndigoConfig.fromJson(skip.toJson(new ObjectMapper())));
      model = Indigo.over(clip, skip, 7, m);
      NDArray anchors = m.randomNormal(new Shape(CLASSES.size() * DOMAINS.size(), clipCfg.embedDim()));
      model.setTextAnchors(anchors);
      NDArray images = m.randomNormal(new Shape(3, 3, 32, 32));
      NDArray own = dev.vlt.tensor.Ops.l2Normalize(clip.imageFeatures(images, dev.vlt.tensor.Trace.NONE));
      NDArray expected = own.matMul(model.textAnchors().transpose()).mul(1 / 0.07f);
      NDArray actual = model.forward(images).textLogits();
      assertTrue(expected.sub(actual).abs().max().getFloat() < 1e-4f);
      // a step on the trainable copy leaves the frozen tower where it was
      Parameter p = model.vit().namedParameters().get("patch_embed.proj.weight");
      p.set(p.value().add(1f));
      assertEquals(0f, conv.sub(clip.visual().namedParameters().get("conv1.weight").value()).abs().max().getFloat());
      assertEquals(0f, conv.sub(model.clip().visual().namedParameters().get("conv1.weight").value()).abs().max().getFloat());
    }
  }
}
