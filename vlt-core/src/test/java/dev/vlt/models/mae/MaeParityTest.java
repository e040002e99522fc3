package dev.vlt.models.mae;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.models.ConfigReader;
import dev.vlt.objectives.MaskedPixelLoss;
import dev.vlt.objectives.PixelTargets;
import dev.vlt.tensor.NoGrad;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * facebookresearch/mae's MaskedAutoencoderViT on {@code mae_tiny}: every intermediate, the masking ids, the prediction,
 * the targets and the loss, without and with per-patch target normalisation.
 */
class MaeParityTest {
  static final Path DIR = Fixtures.fixture("mae_tiny");

  /** The fixture's constructor keywords as vlt's config (norm_layer is the eps-1e-6 LayerNorm vlt always uses). */
  static MaeConfig config(boolean normPix) throws IOException {
    JsonNode json = new ObjectMapper().readTree(DIR.resolve("config.json").toFile());
    ObjectNode kwargs = ((ObjectNode) json.get("constructor_kwargs")).deepCopy();
    assertEquals("functools.partial(torch.nn.LayerNorm, eps=1e-06)", kwargs.remove("norm_layer").asText());
    kwargs.remove("norm_pix_loss");
    kwargs.put("norm_pix_loss", normPix);
    kwargs.set("mask_ratio", json.get("mask_ratio"));
    return MaeConfig.read(new ConfigReader(kwargs, "mae"));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void matchesFacebookMae(boolean normPix) throws Exception {
    MaeConfig cfg = config(normPix);
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Map<String, NDArray> weights = Parity.load(m, DIR.resolve("weights.safetensors"));
      Mae model = new Mae(cfg);
      assertEquals(weights.keySet(), model.namedParameters().keySet());
      model.load(m, weights);
      assertEquals(135_360, model.parameterCount());
      model.train(false);
      Map<String, NDArray> in = Parity.load(m, DIR.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = Parity.load(m, DIR.resolve("outputs_norm_pix_loss_" + normPix + ".safetensors"));

      Map<String, NDArray> got = new HashMap<>();
      MaeOutput out = model.forward(in.get("imgs"), in.get("noise"), got::put);
      got.put("mask", out.mask());
      got.put("ids_shuffle", out.masking().idsShuffle());
      got.put("ids_restore", out.masking().idsRestore());
      got.put("ids_keep", out.masking().idsKeep());
      NDArray target = PixelTargets.image(in.get("imgs"), cfg.patchSize(), cfg.normPixLoss());
      got.put("target", target);
      got.put("loss_per_patch", MaskedPixelLoss.perPatch(out.pred(), target));
      NDArray loss = MaskedPixelLoss.compute(out.pred(), target, out.mask()).total();
      got.put("loss", loss);
      got.put("pred_unpatchified", model.unpatchify(out.pred()));

      // ids (int64) and the 0/1 mask exactly; the loss within 1e-5 relative; every other tensor within 1e-5
      Map<String, Double> errors = Parity.assertAllClose(expected, got, name -> name.equals("mask") ? 0 : 1e-5);
      System.out.printf("mae norm_pix_loss=%s: loss %.9f (reference %.9f, rel %.2g)%n", normPix, loss.getFloat(),
          expected.get("loss").getFloat(), errors.get("loss"));
      Map<String, Double> worst = new TreeMap<>();
      errors.forEach((name, err) -> {
        String group = name.startsWith("ids_") || name.equals("mask") ? "masking"
            : name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        if (!name.equals("loss")) worst.merge(group, err, Math::max);
      });
      assertEquals(21, expected.size());
      System.out.printf("mae norm_pix_loss=%s: worst max|Δ| per group %s%n", normPix, worst);
    }
  }
}
