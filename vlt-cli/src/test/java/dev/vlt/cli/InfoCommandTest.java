package dev.vlt.cli;

import static dev.vlt.cli.TokenizeCommandTest.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.msclip.MsClip;
import dev.vlt.models.msclip.MsClipConfig;
import dev.vlt.models.Models;
import dev.vlt.models.msclip.ParameterSplit;
import dev.vlt.models.msclip.Sharing;
import dev.vlt.tensor.Engines;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vlt info} on both architectures, and an MS-CLIP folder used where any command takes {@code --model}. */
class InfoCommandTest {
  @Test
  void clipFolderPrintsItsTowers() throws Exception {
    int[] exit = new int[1];
    String out = capture(() -> Vlt.execute("info", TokenizeCommandTest.MODEL.toString()), exit);
    assertEquals(0, exit[0], out);
    assertTrue(out.contains("architecture: CLIP") && out.contains("3,421,761 total (visual 152,576, text 3,269,184"), out);
  }

  @Test
  void msClipFolderPrintsWhatIsSharedAndEmbeds(@TempDir Path tmp) throws Exception {
    // CLIP's vocabulary, so the BPE file can tokenize for it; layers 1..2 of 3 share attention and MLP (LayerNorms per modality); a parallel branch into layer 2
    MsClipConfig cfg = new MsClipConfig(16, 16, 4, 8, 49408, 16, 2, 3, 2.0, Sharing.msClip(1, 3), false, List.of(2),
        "gem", false, ClipConfig.DEFAULT_LOGIT_SCALE);
    Engines.ensureStarted();
    MsClip model = new MsClip(cfg);
    ParameterSplit split;
    try (NDManager m = NDManager.newBaseManager()) {
      model.initialize(m, 7);
      split = ParameterSplit.of(model);
      Models.save(model, PreprocessConfig.openai(16), tmp.resolve("ms"));
    }
    assertTrue(split.shared() > 0 && split.image() > 0 && split.text() > 0, split.describe());

    int[] exit = new int[1];
    String out = capture(() -> Vlt.execute("info", tmp.resolve("ms").toString()), exit);
    assertEquals(0, exit[0], out);
    assertTrue(out.contains("architecture: MS-CLIP"), out);
    assertTrue(out.contains("layers [1, 2] share attention, MLP"), out);
    assertTrue(out.contains("parallel branch into layers [2]"), out);
    assertTrue(out.contains(String.format("%,d total (shared by image and text %,d, image-only %,d, text-only %,d",
        split.total(), split.shared(), split.image(), split.text())), out);

    // the same folder through the one inference path (Embedder): two texts → two unit vectors of embed_dim 16
    String emb = capture(() -> Vlt.execute("embed", "--model", tmp.resolve("ms").toString(), "--tokenizer",
        TokenizeCommandTest.MERGES.toString(), "--texts", "a red circle", "a blue square"), exit);
    assertEquals(0, exit[0], emb);
    List<String> lines = emb.lines().filter(l -> !l.isBlank()).toList();
    assertEquals(2, lines.size(), emb);
    for (String line : lines) {
      com.fasterxml.jackson.databind.JsonNode v = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).get("embedding");
      assertEquals(16, v.size(), line);
      double norm = 0;
      for (com.fasterxml.jackson.databind.JsonNode x : v) norm += x.asDouble() * x.asDouble();
      assertEquals(1.0, norm, 1e-4, line);
    }
  }
}
