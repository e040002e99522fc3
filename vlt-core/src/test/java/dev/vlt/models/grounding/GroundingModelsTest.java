package dev.vlt.models.grounding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.models.Capability;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.Models;
import dev.vlt.nn.GradCheck;
import dev.vlt.objectives.BoxLoss;
import dev.vlt.tensor.Engines;
import dev.vlt.tensor.Module;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TransVG and TransVG++ on tiny configs: shapes, boxes in (0, 1), configs that read back, every parameter trained. */
class GroundingModelsTest {
  static final String TOWERS = """
      "context_length": 6,
      "vision_cfg": {"img_size": 16, "patch_size": 8, "num_classes": 0, "embed_dim": 16, "depth": 2, "num_heads": 2},
      "text_cfg": {"vocab_size": 50, "hidden_size": 12, "max_position_embeddings": 8, "num_hidden_layers": 1,
                   "num_attention_heads": 2, "intermediate_size": 24, "dropout": 0.0}
      """;
  private NDManager m;
  private NDArray images;
  private NDArray ids;

  @BeforeAll
  static void oneThread() {
    Engines.setThreads(1);
  }

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    images = m.randomNormal(new Shape(3, 3, 16, 16));
    ids = m.create(new long[][] {{48, 5, 9, 49, 0, 0}, {48, 7, 49, 0, 0, 0}, {48, 3, 3, 3, 3, 49}});
  }

  @AfterEach
  void close() {
    m.close();
  }

  static TransVgConfig transVg() throws Exception {
    return TransVgConfig.fromJson(new ObjectMapper().readTree("{" + TOWERS + """
        , "fusion_cfg": {"hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 16}}"""));
  }

  static TransVgPlusConfig transVgPlus() throws Exception {
    return TransVgPlusConfig.fromJson(new ObjectMapper().readTree("{" + TOWERS + "}"));
  }

  /** Both models with the box read around a reference point among the patches ({@code box_anchor}), then both without. */
  static List<ModelConfig> all() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ModelConfig vg = TransVgConfig.fromJson(json.readTree("{\"box_anchor\": true, " + TOWERS + """
        , "fusion_cfg": {"hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 16}}"""));
    ModelConfig plus = TransVgPlusConfig.fromJson(json.readTree("{\"box_anchor\": true, " + TOWERS + "}"));
    return List.of(vg, plus, transVg(), transVgPlus());
  }

  @Test
  void configsReadBackAndNameTheirArchitecture() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (ModelConfig c : all()) {
      ModelConfig back = c.arch().equals(TransVgConfig.ARCH) ? TransVgConfig.fromJson(c.toJson(json)) : TransVgPlusConfig.fromJson(c.toJson(json));
      assertEquals(c, back);
    }
    assertEquals(List.of(1), transVgPlus().languageLayers(), "depth 2 by default: one language block, after the last block");
    assertEquals(List.of(1, 3, 5), TransVgPlusConfig.evenlySpaced(6, 3));
    assertEquals(List.of(1, 3), TransVgPlusConfig.evenlySpaced(4, 2));
    var e = assertThrows(IllegalArgumentException.class, () -> TransVgConfig.fromJson(json.readTree("{" + TOWERS + ", \"fusion_cfg\": {}, \"extra\": 1}")));
    assertTrue(e.getMessage().contains("extra"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TransVgPlusConfig.fromJson(json.readTree("{" + TOWERS + ", \"language_layers\": [1, 0]}")));
    assertTrue(e.getMessage().contains("increasing"), e.getMessage());
  }

  @Test
  void registryConfigsBuildGroundingModels() {
    for (String name : List.of("transvg-small", "transvg++-small")) {
      var c = Models.config(name);
      assertTrue(Capability.GROUNDING.of(c.create().getClass()), name);
    }
    long a = Models.config("transvg-small").create().parameterCount();
    long b = Models.config("transvg++-small").create().parameterCount();
    assertTrue(Math.abs(a - b) < 0.1 * a, "the two small configs have about equal parameters: " + a + " vs " + b);
  }

  @Test
  void boxesAreNormalisedAndDependOnTheText() throws Exception {
    for (ModelConfig c : all()) {
      Module model = c.create();
      model.initialize(m, 3);
      NDArray boxes = ((dev.vlt.models.GroundingModel) model).ground(images, ids).boxes();
      assertEquals(new Shape(3, 4), boxes.getShape());
      float[] v = boxes.toFloatArray();
      for (float x : v) assertTrue(x > 0 && x < 1, c.arch() + ": " + x);
      NDArray same = m.create(new long[][] {{48, 5, 9, 49, 0, 0}, {48, 5, 9, 49, 0, 0}, {48, 5, 9, 49, 0, 0}});
      NDArray other = ((dev.vlt.models.GroundingModel) model).ground(images, same).boxes();
      assertNotEquals(v[4], other.toFloatArray()[4], c.arch() + ": the expression changes the box");
    }
  }

  @Test
  void paddingIsNotAttendedTo() throws Exception {
    Module model = transVgPlus().create();              // its text length is free (TransVG's position table fixes it)
    model.initialize(m, 4);
    var g = (dev.vlt.models.GroundingModel) model;
    float[] a = g.ground(images, ids).boxes().toFloatArray();
    NDArray morePadding = m.create(new long[][] {{48, 5, 9, 49, 0, 0, 0, 0}, {48, 7, 49, 0, 0, 0, 0, 0}, {48, 3, 3, 3, 3, 49, 0, 0}});
    float[] b = g.ground(images, morePadding).boxes().toFloatArray();
    for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-5, "box value " + i);
  }

  @Test
  void everyParameterLearnsFromTheBoxLoss() throws Exception {
    for (ModelConfig c : all()) {
      Module model = c.create();
      model.initialize(m, 5);
      model.train(true);
      NDArray target = m.create(new float[] {0.3f, 0.4f, 0.2f, 0.2f, 0.6f, 0.5f, 0.3f, 0.1f, 0.5f, 0.5f, 0.5f, 0.5f}, new Shape(3, 4));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray boxes = ((dev.vlt.models.GroundingModel) model).ground(images, ids).boxes();
        gc.backward(BoxLoss.defaults().compute(boxes, target).total());
      }
      assertEquals(model.namedParameters().size(), GradCheck.assertEveryParameterLearns(model), c.arch());
    }
  }
}
