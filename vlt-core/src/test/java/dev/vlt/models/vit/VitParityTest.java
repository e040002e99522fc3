package dev.vlt.models.vit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.models.ConfigReader;
import dev.vlt.tensor.NoGrad;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** timm's VisionTransformer on {@code vit_timm_tiny}: one trunk, three poolings, every intermediate and the logits. */
class VitParityTest {
  @ParameterizedTest
  @CsvSource({"cls_token, 114250", "avg_pool, 114250", "map_pool, 164042"})
  void matchesTimm(String variant, long parameters) throws Exception {
    Path dir = Fixtures.fixture("vit_timm_tiny", variant);
    JsonNode kwargs = new ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("constructor_kwargs");
    VitConfig cfg = VitConfig.read(new ConfigReader(kwargs, "vit"));
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Map<String, NDArray> weights = Parity.load(m, dir.resolve("weights.safetensors"));
      Vit model = new Vit(cfg);
      assertEquals(weights.keySet(), model.namedParameters().keySet());
      model.load(m, weights);
      assertEquals(parameters, model.parameterCount());
      model.train(false);
      NDArray images = Parity.load(m, dir.resolve("inputs.safetensors")).get("images");
      Map<String, NDArray> expected = Parity.load(m, dir.resolve("outputs.safetensors"));
      Map<String, NDArray> got = new HashMap<>();
      VitOutput out = model.forward(images, got::put);
      got.put("logits", out.logits());
      Map<String, Double> worst = Parity.assertAllClose(expected, got, 1e-5);
      assertEquals(variant.equals("map_pool") ? 12 : 9, expected.size());
      System.out.printf("vit %s: worst max|Δ| %s%n", variant, worst);
    }
  }
}
