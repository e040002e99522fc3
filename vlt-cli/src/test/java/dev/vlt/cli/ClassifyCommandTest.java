package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.io.SafeTensors;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlt classify} and {@code vlt embed} from image files on the end-to-end fixture: the probabilities are open_clip's
 * zero-shot probabilities (its own preprocessing, tokenizer and model), recomputed over the chosen labels.
 */
class ClassifyCommandTest {
  static final Path MODEL = TokenizeCommandTest.MODEL;
  static final Path MERGES = TokenizeCommandTest.MERGES;

  static List<Path> unpackFixtureImages(Path dir) throws Exception {
    JsonNode order = TokenizeCommandTest.JSON.readTree(MODEL.resolve("expected/images.json").toFile()).get("image_order");
    List<Path> out = new ArrayList<>();
    Path data = TokenizeCommandTest.SHARED.resolve("data");
    try (ZipFile photos = new ZipFile(data.resolve("photos-skimage/photos.zip").toFile());
        ZipFile emoji = new ZipFile(data.resolve("emoji-google-64/images.zip").toFile())) {
      for (JsonNode n : order) {
        String name = n.asText();
        ZipEntry e = photos.getEntry(name) != null ? photos.getEntry(name) : emoji.getEntry(name);
        ZipFile z = photos.getEntry(name) != null ? photos : emoji;
        Path p = dir.resolve(name);
        try (InputStream in = z.getInputStream(e)) {
          Files.copy(in, p);
        }
        out.add(p);
      }
    }
    return out;
  }

  @Test
  void probabilitiesMatchOpenClipFromImageFiles(@TempDir Path tmp) throws Exception {
    List<Path> images = unpackFixtureImages(tmp);
    JsonNode texts = TokenizeCommandTest.JSON.readTree(MODEL.resolve("expected/texts.json").toFile()).get("texts");
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < 8; i++) labels.add(texts.get(i).get("text").asText());
    List<String> args = new ArrayList<>(List.of("classify", "--model", MODEL.toString(), "--tokenizer", MERGES.toString(),
        "--json", "--labels", String.join(",", labels)));
    images.forEach(p -> args.add(p.toString()));
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute(args.toArray(String[]::new)), exit);
    assertEquals(0, exit[0]);
    String[] lines = out.strip().split("\n");
    assertEquals(25, lines.length);
    // reference: softmax over the 8 labels of open_clip's logits (a column subset of logits_per_image)
    float[] logits;
    try (SafeTensors st = SafeTensors.open(MODEL.resolve("expected/zero_shot.safetensors"))) {
      logits = st.floats("logits_per_image"); // [25, 41]
    }
    double worst = 0;
    for (int i = 0; i < 25; i++) {
      JsonNode line = TokenizeCommandTest.JSON.readTree(lines[i]);
      assertEquals(images.get(i).toString(), line.get("image").asText());
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < 8; k++) max = Math.max(max, logits[i * 41 + k]);
      double sum = 0;
      for (int k = 0; k < 8; k++) sum += Math.exp(logits[i * 41 + k] - max);
      double prev = 2;
      for (JsonNode l : line.get("labels")) {
        int k = labels.indexOf(l.get("label").asText());
        double expected = Math.exp(logits[i * 41 + k] - max) / sum;
        worst = Math.max(worst, Math.abs(expected - l.get("prob").asDouble()));
        assertTrue(l.get("prob").asDouble() <= prev, "labels sorted by probability");
        prev = l.get("prob").asDouble();
      }
    }
    System.out.printf("classify: max |prob - open_clip| = %.2e over 25 images x 8 labels%n", worst);
    assertTrue(worst <= 1e-5, "max prob error " + worst);
  }

  @Test
  void unreadableImageIsOneLineAndExitCodeOne(@TempDir Path tmp) throws Exception {
    Path bad = Files.writeString(tmp.resolve("not-an-image.png"), "hello");
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute("embed", "--model", MODEL.toString(), "--tokenizer",
        MERGES.toString(), "--images", bad.toString(), tmp.resolve("missing.jpg").toString()), exit);
    assertEquals(1, exit[0]);
    assertEquals("", out.strip());
    // classify with no readable image at all: the same skips and exit code, not an error about empty embeddings
    out = TokenizeCommandTest.capture(() -> Vlt.execute("classify", "--model", MODEL.toString(), "--tokenizer",
        MERGES.toString(), "--labels", "a cat,a dog", bad.toString()), exit);
    assertEquals(1, exit[0]);
    assertEquals("", out.strip());
  }

  @Test
  void notAModelFolderExitsTwo(@TempDir Path tmp) {
    int code = Vlt.execute("embed", "--model", tmp.toString(), "--texts", "a cat");
    assertNotEquals(0, code);
    assertEquals(2, code);
  }
}
