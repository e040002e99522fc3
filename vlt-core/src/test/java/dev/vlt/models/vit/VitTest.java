package dev.vlt.models.vit;

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
import dev.vlt.models.ConfigReader;
import dev.vlt.nn.GradCheck;
import dev.vlt.tensor.Trace;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The timm ViT on tiny configs: the key set each pooling adds, shapes, and a finite gradient for every parameter. */
class VitTest {
  @ParameterizedTest
  @CsvSource({"token, true, 17", "avg, true, 17", "avg, false, 16", "map, false, 16", "map, true, 17"})
  void everyPoolingShapesKeysAndGradients(String pool, boolean classToken, long tokens) {
    VitConfig cfg = VitConfig.of(16, 4, 16, 2, 2, 5).withPool(pool, classToken);
    try (NDManager m = NDManager.newBaseManager()) {
      Vit vit = new Vit(cfg);
      vit.initialize(m, 21);
      Set<String> roots = vit.namedParameters().keySet().stream().map(k -> k.split("\\.")[0]).collect(Collectors.toSet());
      assertEquals(classToken, roots.contains("cls_token"));
      assertEquals(!pool.equals("avg"), roots.contains("norm"), "timm's avg pooling has fc_norm instead of norm");
      assertEquals(pool.equals("avg"), roots.contains("fc_norm"));
      assertEquals(pool.equals("map"), roots.contains("attn_pool"));
      assertEquals(new Shape(1, tokens, 16), vit.namedParameters().get("pos_embed").shape());
      NDArray images = m.randomNormal(new Shape(2, 3, 16, 16));
      VitOutput out;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        out = vit.forward(images, Trace.NONE);
        gc.backward(out.logits().mul(m.randomNormal(new Shape(2, 5))).sum());
      }
      assertEquals(new Shape(2, tokens, 16), out.features().getShape());
      assertEquals(new Shape(2, 16), out.preLogits().getShape());
      assertEquals(new Shape(2, 5), out.logits().getShape());
      GradCheck.assertEveryParameterLearns(vit);
    }
  }

  @Test
  void withoutAHeadTheLogitsAreThePreLogits() {
    try (NDManager m = NDManager.newBaseManager()) {
      Vit vit = new Vit(VitConfig.of(16, 4, 16, 1, 2, 0));
      vit.initialize(m, 1);
      assertFalse(vit.namedParameters().keySet().stream().anyMatch(k -> k.startsWith("head")));
      VitOutput out = vit.forward(m.randomNormal(new Shape(1, 3, 16, 16)), Trace.NONE);
      assertEquals(out.preLogits(), out.logits());
    }
  }

  @Test
  void configIsReadStrictlyAndRoundTrips() throws Exception {
    ObjectMapper json = new ObjectMapper();
    VitConfig c = VitConfig.read(new ConfigReader(json.readTree(
        "{\"img_size\": 32, \"patch_size\": 8, \"num_classes\": 10, \"embed_dim\": 64, \"depth\": 2, \"num_heads\": 4,"
            + " \"global_pool\": \"map\", \"class_token\": false}"), "vit"));
    var o = json.createObjectNode();
    c.write(o);
    assertEquals(c, VitConfig.read(new ConfigReader(o, "vit")));
    String bad = assertThrows(IllegalArgumentException.class, () -> VitConfig.read(new ConfigReader(
        json.readTree("{\"global_pool\": \"token\", \"class_token\": false}"), "vit"))).getMessage();
    assertTrue(bad.contains("'token' needs class_token true"), bad);
    String ls = assertThrows(IllegalArgumentException.class, () -> VitConfig.read(new ConfigReader(
        json.readTree("{\"init_values\": 1e-5}"), "vit"))).getMessage();
    assertTrue(ls.contains("init_values") && ls.contains("not supported"), ls);
  }
}
