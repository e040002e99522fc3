package dev.vlt.cli;

import static dev.vlt.cli.TokenizeCommandTest.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vlt analyze} on a CLIP folder (as the fully-separate MS-CLIP) and {@code vlt experiment}'s user errors. */
class AnalyzeCommandTest {
  @Test
  void analysesAClipFolderAsTheSeparateEndOfTheSpectrum(@TempDir Path out) throws Exception {
    int[] exit = new int[1];
    String table = capture(() -> Vlt.execute("analyze", "--model", TokenizeCommandTest.MODEL.toString(), "--tokenizer",
        TokenizeCommandTest.MERGES.toString(), "--data", "shapes", "--pairs", "8", "--out", out.toString(), "--threads", "1"), exit);
    assertEquals(0, exit[0], table);
    assertTrue(table.contains("| clip_e2e_tiny ") && table.contains("modality gap") && table.contains("head CKA"), table);
    JsonNode model = new ObjectMapper().readTree(out.resolve("analysis.json").toFile()).at("/models/0");
    assertEquals(8, model.get("pairs").asInt());
    assertEquals(2 * 4, model.get("heads").size(), "2 blocks × 4 heads, both modalities");
    for (JsonNode h : model.get("heads")) {
      assertTrue(!h.get("shared").asBoolean(), "CLIP shares nothing");
      double cka = h.get("cka").asDouble();
      assertTrue(cka >= 0 && cka <= 1 + 1e-9, "cka " + cka);
    }
    assertTrue(Files.size(out.resolve("cka.png")) > 1000);
  }

  @Test
  void userMistakesAreOneLineAndExitTwo(@TempDir Path tmp) throws Exception {
    int[] exit = new int[1];
    capture(() -> Vlt.execute("analyze", "--model", TokenizeCommandTest.MODEL.toString(), "--data", "coco"), exit);
    assertEquals(2, exit[0]);
    capture(() -> Vlt.execute("experiment", tmp.resolve("missing.json").toString()), exit);
    assertEquals(2, exit[0]);
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"budget\": {\"steps\": 0}, \"base\": {\"embed_dim\": 8, \"msclip_cfg\": {}}, \"runs\": [{\"name\": \"a\"}]}");
    capture(() -> Vlt.execute("experiment", bad.toString()), exit);
    assertEquals(2, exit[0]);
  }
}
