package dev.vlt.models.beit3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.Models;
import dev.vlt.models.ParameterBreakdown;
import dev.vlt.nn.GradCheck;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * BEiT-3's Multiway routing (which expert each token takes in each layer, for image-only, text-only and pair inputs),
 * shapes, keys, the parameter breakdown and config reading.
 */
class Beit3Test {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** 32 px in 8-px patches (16), width 32, 3 layers of which the top 1 has a VL expert. */
  static final Beit3Config TINY = new Beit3Config(32, 8, 32, 3, 2, 2.0, 1, 64, 16, 0, 8, 16, List.of("yes", "no", "red"), 63);

  private static NDArray ids(NDManager m) {
    return m.create(new long[] {1, 7, 8, 9, 2, 1, 10, 2, 0, 0}, new Shape(2, 5));     // a 5-token text, a 3-token one
  }

  private static NDArray atts(NDArray ids) {
    return ids.neq(0).toType(DataType.INT64, false);
  }

  private static Beit3 model(NDManager m) {
    Beit3 b = TINY.create();
    b.initialize(m, 3);
    return b;
  }

  private static Parameter p(Beit3 b, String key) {
    Parameter p = b.namedParameters().get(key);
    if (p == null) throw new AssertionError("no parameter " + key);
    return p;
  }

  /** Whether perturbing {@code key} changes what {@code out} computes. */
  private static boolean dependsOn(Beit3 b, String key, Supplier<NDArray> out) {
    try (NoGrad ng = NoGrad.open()) {
      NDArray before = out.get().duplicate();
      NDArray w = p(b, key).value();
      // random, not constant: a constant added to fc1 meets the LayerNorm's zero-mean output and cancels
      NDArray delta = w.getManager().randomNormal(0, 0.5f, w.getShape(), w.getDataType());
      w.addi(delta);
      float diff = out.get().sub(before).abs().max().getFloat();
      w.subi(delta);
      return diff > 1e-5;
    }
  }

  @Test
  void keysFollowTheMultiwayLayoutAndShapesHold() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Beit3 b = model(m);
      Map<String, Parameter> params = b.namedParameters();
      for (int i = 0; i < 3; i++) {
        String l = "encoder.layers." + i + ".";
        for (String k : List.of("self_attn_layer_norm.weight", "self_attn.qkv.weight", "self_attn.q_bias", "self_attn.v_bias",
            "self_attn.proj.weight", "ffn.A.layer_norm.weight", "ffn.A.fc1.weight", "ffn.A.fc2.weight", "ffn.B.fc1.weight")) {
          assertTrue(params.containsKey(l + k), l + k);
        }
        assertEquals(i == 2, params.containsKey(l + "ffn.C.fc1.weight"), "only the top layer has a VL expert: layer " + i);
      }
      assertEquals(new Shape(64, 32), params.get("encoder.layers.0.ffn.A.fc1.weight").shape(), "hidden 2·32");
      for (String k : List.of("vision_embed.patch_embed.proj.weight", "vision_embed.cls_token", "vision_embed.pos_embed",
          "vision_embed.mask_token", "text_embed.word_embeddings.weight", "text_embed.position_embeddings.weight",
          "encoder.layer_norm.weight", "vision_head.weight", "language_head.weight", "logit_scale", "mlm_head.weight",
          "mim_head.weight", "pooler.dense.weight", "vqa_classifier.3.weight")) {
        assertTrue(params.containsKey(k), k);
      }
      assertEquals(List.of("visual_tokenizer.codebook"), List.copyOf(b.namedBuffers().keySet()));
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      NDArray ids = ids(m);
      assertEquals(new Shape(2, 17, 32), b.imageTokens(images, null).getShape());
      assertEquals(new Shape(2, 5, 32), b.textTokens(ids, atts(ids)).getShape());
      Beit3.PairTokens pair = b.pairTokens(images, null, ids, atts(ids));
      assertEquals(new Shape(2, 17, 32), pair.image().getShape());
      assertEquals(new Shape(2, 5, 32), pair.text().getShape());
      assertEquals(new Shape(2, 16), b.encodeImage(images, true).getShape());
      assertEquals(new Shape(2, 16), b.encodeText(ids, true).getShape());
      assertEquals(new Shape(2, 3), b.vqaLogits(pair.image()).getShape());
      NDArray masked = m.create(new float[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, new Shape(1, 16)).repeat(0, 2);
      NDArray unmasked = b.imageTokens(images, null);
      NDArray partly = b.imageTokens(images, masked);
      assertTrue(partly.sub(unmasked).abs().max().getFloat() > 1e-4, "a masked patch is replaced by the mask token");
    }
  }

  @Test
  void anImageOnlyPassTrainsOnlyTheVisionExperts() {
    try (NDManager m = NDManager.newBaseManager()) {
      Beit3 b = model(m);
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(b.imageTokens(images, null).square().mean());
      }
      for (Map.Entry<String, Parameter> e : b.namedParameters().entrySet()) {
        String k = e.getKey();
        if (!k.startsWith("encoder.layers.")) continue;
        float g = e.getValue().value().getGradient().abs().sum().getFloat();
        if (k.contains(".ffn.B.") || k.contains(".ffn.C.")) assertEquals(0f, g, k + " gets no gradient from images alone");
        else assertTrue(g > 0, k + " learns from images");
      }
    }
  }

  @Test
  void eachSingleModalityPassIgnoresTheOtherModalitysExpert() {
    try (NDManager m = NDManager.newBaseManager()) {
      Beit3 b = model(m);
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      NDArray ids = ids(m);
      Supplier<NDArray> text = () -> b.textTokens(ids, atts(ids));
      Supplier<NDArray> image = () -> b.imageTokens(images, null);
      for (int i = 0; i < 3; i++) {
        String l = "encoder.layers." + i + ".ffn.";
        assertFalse(dependsOn(b, l + "A.fc1.weight", text), "text tokens do not depend on the V-FFN of layer " + i);
        assertTrue(dependsOn(b, l + "B.fc1.weight", text), "they depend on the L-FFN of layer " + i);
        assertFalse(dependsOn(b, l + "B.fc1.weight", image), "image tokens do not depend on the L-FFN of layer " + i);
        assertTrue(dependsOn(b, l + "A.fc1.weight", image));
      }
      assertFalse(dependsOn(b, "encoder.layers.2.ffn.C.fc1.weight", text), "no VL expert for text alone");
      assertFalse(dependsOn(b, "encoder.layers.2.ffn.C.fc1.weight", image), "nor for images alone");
    }
  }

  @Test
  void aPairTakesTheVisionLanguageExpertInTheTopLayersOnly() {
    try (NDManager m = NDManager.newBaseManager()) {
      Beit3 b = model(m);
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      NDArray ids = ids(m);
      Supplier<NDArray> pairText = () -> b.pairTokens(images, null, ids, atts(ids)).text();
      Supplier<NDArray> pairImage = () -> b.pairTokens(images, null, ids, atts(ids)).image();
      assertTrue(dependsOn(b, "encoder.layers.2.ffn.C.fc1.weight", pairText), "top layer: the text tokens take the VL expert");
      assertTrue(dependsOn(b, "encoder.layers.2.ffn.C.fc1.weight", pairImage), "and so do the image tokens");
      assertFalse(dependsOn(b, "encoder.layers.2.ffn.A.fc1.weight", pairImage), "not the V-FFN there");
      assertFalse(dependsOn(b, "encoder.layers.2.ffn.B.fc1.weight", pairText), "not the L-FFN there");
      for (int i = 0; i < 2; i++) {
        assertTrue(dependsOn(b, "encoder.layers." + i + ".ffn.A.fc1.weight", pairImage), "lower layer " + i + ": V-FFN");
        assertTrue(dependsOn(b, "encoder.layers." + i + ".ffn.B.fc1.weight", pairText), "lower layer " + i + ": L-FFN");
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        Beit3.PairTokens p = b.pairTokens(images, null, ids, atts(ids));
        gc.backward(p.image().square().mean().add(p.text().square().mean()));
      }
      assertEquals(0f, p(b, "encoder.layers.2.ffn.A.fc1.weight").value().getGradient().abs().sum().getFloat());
      assertEquals(0f, p(b, "encoder.layers.2.ffn.B.fc1.weight").value().getGradient().abs().sum().getFloat());
      assertTrue(p(b, "encoder.layers.2.ffn.C.fc1.weight").value().getGradient().abs().sum().getFloat() > 0);
    }
  }

  @Test
  void everyParameterLearnsFromTheSixTermsPasses() {
    try (NDManager m = NDManager.newBaseManager()) {
      Beit3 b = model(m);
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      NDArray ids = ids(m);
      NDArray masked = m.create(new float[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, new Shape(1, 16)).repeat(0, 2);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        Beit3.PairTokens p = b.pairTokens(images, masked, ids, atts(ids));
        NDArray loss = b.mimLogits(b.imageTokens(images, masked)).square().mean()
            .add(b.mlmLogits(b.textTokens(ids, atts(ids))).square().mean())
            .add(b.mlmLogits(p.text()).square().mean()).add(b.vqaLogits(p.image()).square().mean())
            .add(b.encodeImage(images, true).matMul(b.encodeText(ids, true).transpose()).mul(b.logitScale().value().exp()).mean());
        gc.backward(loss);
      }
      GradCheck.assertEveryParameterLearns(b);
    }
  }

  @Test
  void theBreakdownCoversEveryParameterOnce() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      for (Beit3 b : List.of(model(m), Models.config("beit3-shapes-small", Beit3Config.class).create())) {
        long total = b.namedParameters().values().stream().mapToLong(Parameter::numel).sum();
        List<ParameterBreakdown.Part> parts = b.parameterBreakdown();
        assertEquals(total, parts.stream().mapToLong(ParameterBreakdown.Part::count).sum());
        ExpertSplit s = ExpertSplit.of(b);
        assertEquals(s.vision(), s.language(), "a V-FFN and an L-FFN in every layer, the same size");
        assertEquals(s.vision() * b.config().vlLayers() / b.config().layers(), s.visionLanguage(), "VL-FFNs in the top layers");
        assertTrue(s.shared() > 0 && s.imageSide() > 0 && s.textSide() > 0 && s.pairHeads() > 0, s.toString());
      }
    }
  }

  @Test
  void configsRoundTripAndErrorsNameTheField() {
    assertEquals(TINY, Beit3Config.fromJson(TINY.toJson(JSON)));
    Beit3Config registry = Models.config("beit3-shapes-small", Beit3Config.class);
    assertEquals(registry, Beit3Config.fromJson(registry.toJson(JSON)));
    assertEquals(63, TINY.tokenizerSpec().vocabSize(), "the tokenizer keeps below the [MASK] id");
    assertError("vl_layers", c -> c.put("vl_layers", 4));
    assertError("heads", c -> c.put("heads", 3));
    assertError("image_size", c -> c.put("image_size", 30));
    assertError("mask_token_id", c -> c.put("mask_token_id", 0));
    assertError("answers", c -> c.putArray("answers"));
    assertError("codebook_size", c -> c.remove("codebook_size"));
    assertError("model_cfg.vl_layer", c -> c.put("vl_layer", 1));
  }

  private static void assertError(String field, Consumer<ObjectNode> edit) {
    ObjectNode cfg = TINY.toJson(JSON);
    edit.accept(cfg);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Beit3Config.fromJson(cfg));
    assertTrue(e.getMessage().contains(field), "expected '" + field + "' in: " + e.getMessage());
  }
}
