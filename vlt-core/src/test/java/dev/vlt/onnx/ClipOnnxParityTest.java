package dev.vlt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tensor.NoGrad;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exported CLIP towers run in ONNX Runtime against open_clip's own outputs on the tiny fixtures: fp32 within 1e-4,
 * with ONNX Runtime's graph optimisations on and off (Java has no onnx.checker: a graph ONNX Runtime loads and runs
 * unoptimised is valid as written); int8 close to fp32 in direction.
 */
class ClipOnnxParityTest {
  @ParameterizedTest
  @ValueSource(strings = {"clip_vit_tiny", "clip_vit_tiny_quickgelu"})
  void fp32MatchesOpenClip(String fixture) throws Exception {
    Path dir = Fixtures.fixture(fixture);
    ClipConfig cfg = ClipConfig.fromJson(new ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("open_clip_model_config"));
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Clip model = new Clip(cfg);
      model.load(m, Parity.load(m, dir.resolve("weights.safetensors")));
      Map<String, NDArray> in = Parity.load(m, dir.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = Parity.load(m, dir.resolve("outputs.safetensors"));
      float[] pixels = in.get("images").toFloatArray();
      long[][] ids = rows(in.get("text").toLongArray(), 4);
      for (boolean optimize : new boolean[] {false, true}) {
        try (OnnxTowers t = OnnxTowers.export(model, Quantization.NONE, optimize, 1)) {
          int size = cfg.vision().imageSize();
          String where = fixture + (optimize ? " (optimised)" : " (unoptimised)");
          assertClose(where + " image_features", expected.get("image_features").toFloatArray(), t.runImages(pixels, 4, size, "features"), 1e-4);
          assertClose(where + " image_features_normalized", expected.get("image_features_normalized").toFloatArray(),
              t.runImages(pixels, 4, size, "embedding"), 1e-4);
          assertClose(where + " text_features", expected.get("text_features").toFloatArray(), t.runTexts(ids, "features"), 1e-4);
          assertClose(where + " text_features_normalized", expected.get("text_features_normalized").toFloatArray(),
              t.runTexts(ids, "embedding"), 1e-4);
          // a batch of one and a batch of three: the batch dimension is dynamic
          float[][] one = t.runImages(java.util.Arrays.copyOf(pixels, 3 * size * size), 1, size, "features");
          assertClose(where + " image batch 1", java.util.Arrays.copyOf(expected.get("image_features").toFloatArray(), cfg.embedDim()), one, 1e-4);
          float[][] three = t.runTexts(java.util.Arrays.copyOf(ids, 3), "features");
          assertClose(where + " text batch 3", java.util.Arrays.copyOf(expected.get("text_features").toFloatArray(), 3 * cfg.embedDim()), three, 1e-4);
        }
      }
      try (OnnxTowers fp = OnnxTowers.export(model, Quantization.NONE, true, 1);
           OnnxTowers q = OnnxTowers.export(model, Quantization.INT8_ALL, true, 1)) {
        int size = cfg.vision().imageSize();
        double img = OnnxExport.Verification.minCosine(fp.runImages(pixels, 4, size, "embedding"), q.runImages(pixels, 4, size, "embedding"));
        double txt = OnnxExport.Verification.minCosine(fp.runTexts(ids, "embedding"), q.runTexts(ids, "embedding"));
        System.out.printf("%s int8 (all linear layers): worst cosine to fp32 image %.5f, text %.5f%n", fixture, img, txt);
        assertTrue(img > 0.98 && img < 1.0, "int8 image cosine " + img);
        assertTrue(txt > 0.98 && txt < 1.0, "int8 text cosine " + txt);
        assertEquals(Quantization.INT8_ALL, q.quantization());
      }
    }
  }

  static long[][] rows(long[] flat, int n) {
    int l = flat.length / n;
    long[][] out = new long[n][];
    for (int i = 0; i < n; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * l, (i + 1) * l);
    return out;
  }

  static void assertClose(String what, float[] expected, float[][] actual, double tol) {
    int d = actual[0].length;
    assertEquals(expected.length, actual.length * d, what + ": element count");
    double worst = 0;
    for (int i = 0; i < actual.length; i++) for (int j = 0; j < d; j++) worst = Math.max(worst, Math.abs(expected[i * d + j] - actual[i][j]));
    assertTrue(worst <= tol, what + ": max |Δ| " + worst + " > " + tol);
  }
}
