package dev.vlt.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.infer.Embedder;
import dev.vlt.infer.Engine;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export folder of a real open_clip model folder, and the {@code --engine onnx} path every application takes. */
class OnnxEngineTest {
  @Test
  void exportFolderReproducesOpenClipOnRealImagesAndTexts(@TempDir Path tmp) throws Exception {
    Path dir = Fixtures.fixture("clip_e2e_tiny");
    try (LoadedModel lm = Models.load(dir); NDManager m = NDManager.newBaseManager()) {
      List<Path> files = OnnxExport.write(lm, tmp, Quantization.NONE);
      assertEquals(List.of(tmp.resolve("image.onnx"), tmp.resolve("text.onnx")), files);
      JsonNode cfg = new ObjectMapper().readTree(tmp.resolve("open_clip_config.json").toFile());
      assertEquals("fp32", cfg.at("/onnx/quantization").asText());
      assertTrue(cfg.has("preprocess_cfg") && cfg.has("model_cfg"));
      Map<String, NDArray> images = Parity.load(m, dir.resolve("expected/images.safetensors"));
      Map<String, NDArray> texts = Parity.load(m, dir.resolve("expected/texts.safetensors"));
      List<String> order = new ArrayList<>();
      new ObjectMapper().readTree(dir.resolve("expected/images.json").toFile()).get("image_order").forEach(n -> order.add(n.asText()));
      float[] pixels = new float[order.size() * 3 * 64 * 64];
      float[] expected = new float[order.size() * 32];
      for (int i = 0; i < order.size(); i++) {
        System.arraycopy(images.get("pixels." + order.get(i)).toFloatArray(), 0, pixels, i * 3 * 64 * 64, 3 * 64 * 64);
        System.arraycopy(images.get("image_features." + order.get(i)).toFloatArray(), 0, expected, i * 32, 32);
      }
      long[] ids = texts.get("ids").toLongArray();
      try (OnnxTowers t = OnnxTowers.load(tmp, true, 1)) {
        ClipOnnxParityTest.assertClose("image_features", expected, t.runImages(pixels, order.size(), 64, "features"), 1e-4);
        ClipOnnxParityTest.assertClose("text_features", texts.get("text_features").toFloatArray(),
            t.runTexts(ClipOnnxParityTest.rows(ids, 41), "features"), 1e-4);
        ClipOnnxParityTest.assertClose("text_features_normalized", texts.get("text_features_normalized").toFloatArray(),
            t.runTexts(ClipOnnxParityTest.rows(ids, 41), "embedding"), 1e-4);
      }
      OnnxExport.Verification v = OnnxExport.verify(OnnxExport.clipOf(lm), tmp);
      assertTrue(v.maxAbsDiff() < 1e-4 && v.minCosine() > 0.99999, v.toString());
    }
  }

  @Test
  void embedderOnOnnxRuntimeAgreesWithPyTorch() throws Exception {
    Path dir = Fixtures.fixture("clip_e2e_tiny");
    List<String> texts = List.of("a photo of a cat", "a rocket on the launch pad", "an astronaut", "coffee");
    try (Embedder djl = Embedder.open(dir.toString(), Fixtures.fixture("tokenizer", "bpe_simple_vocab_16e6.txt.gz"))) {
      float[][] expected = djl.embedTexts(texts);
      try (Embedder onnx = Embedder.open(dir.toString(), Fixtures.fixture("tokenizer", "bpe_simple_vocab_16e6.txt.gz")).withEngine(Engine.ONNX)) {
        assertEquals(Engine.ONNX, onnx.engine());
        float[][] got = onnx.embedTexts(texts);
        assertTrue(OnnxExport.Verification.minCosine(expected, got) >= 0.99999);
        assertTrue(OnnxExport.Verification.maxDiff(expected, got) <= 1e-4);
      }
      try (Embedder int8 = Embedder.open(dir.toString(), Fixtures.fixture("tokenizer", "bpe_simple_vocab_16e6.txt.gz")).withEngine(Engine.ONNX_INT8)) {
        assertEquals(Engine.ONNX_INT8, int8.engine());
        double cos = OnnxExport.Verification.minCosine(expected, int8.embedTexts(texts));
        assertTrue(cos >= 0.99 && cos < 0.999999, "int8 cosine " + cos);
      }
    }
  }

  @Test
  void aModelTheExporterDoesNotCoverSaysSo() {
    try (LoadedModel lm = Models.create("coca-shapes-small", 0)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.clipOf(lm));
      assertTrue(e.getMessage().contains("covers CLIP"), e.getMessage());
    }
  }

  /** Debian's python3-onnx, where installed: onnx.checker with full shape inference on both towers, fp32 and int8. */
  @Test
  void onnxCheckerAcceptsTheExport(@TempDir Path tmp) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3");
    Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import onnx").redirectErrorStream(true).start();
    assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "python3-onnx is not installed");
    try (LoadedModel lm = Models.load(Fixtures.fixture("clip_e2e_tiny"))) {
      for (Quantization q : List.of(Quantization.NONE, Quantization.INT8_ALL)) {
        Path out = tmp.resolve(q.label());
        OnnxExport.write(lm, out, q);
        for (String f : List.of("image.onnx", "text.onnx")) {
          Process p = new ProcessBuilder("/usr/bin/python3", "-c",
              "import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print('ok')",
              out.resolve(f).toString()).redirectErrorStream(true).start();
          String said = new String(p.getInputStream().readAllBytes()).trim();
          assertTrue(p.waitFor(120, TimeUnit.SECONDS), "checker timed out");
          assertEquals("ok", said, q.label() + " " + f + ": " + said);
        }
      }
    }
  }
}
