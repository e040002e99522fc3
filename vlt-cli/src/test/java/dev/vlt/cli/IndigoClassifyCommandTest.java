package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.Models;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.indigo.Indigo;
import dev.vlt.models.indigo.IndigoConfig;
import dev.vlt.tensor.Engines;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlt classify} on an INDIGO folder (untrained, tiny) classifies with the model's head: its own classes, all or
 * some (probabilities renormalised over those), and refuses any other label in one line with exit 2.
 */
class IndigoClassifyCommandTest {
  static final List<String> CLASSES = List.of("Smileys & Emotion", "Animals & Nature", "Food & Drink");

  @Test
  void classifiesWithTheHeadAndRefusesOtherLabels(@TempDir Path tmp) throws Exception {
    IndigoConfig cfg = new IndigoConfig(Models.config("tiny", ClipConfig.class), 32, 1, 4, 8, CLASSES,
        List.of("original", "sketch"), List.of("an emoji of {}", "a sketch of {}"), "combined");
    Engines.ensureStarted();
    Path dir = tmp.resolve("indigo");
    try (NDManager m = NDManager.newBaseManager()) {
      Indigo model = cfg.create();
      model.initialize(m, 3);
      model.setTextAnchors(m.randomNormal(new Shape(6, 32)));
      Models.save(model, PreprocessConfig.openai(32), dir);
    }
    Path image = tmp.resolve("1f600.png");
    Path image2 = tmp.resolve("1f431.png");
    try (ZipFile zip = new ZipFile(TokenizeCommandTest.SHARED.resolve("data/emoji-google-64/images.zip").toFile())) {
      for (Path p : List.of(image, image2)) {
        try (InputStream in = zip.getInputStream(zip.getEntry(p.getFileName().toString()))) {
          Files.copy(in, p);
        }
      }
    }
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute("classify", "--model", dir.toString(), "--json", "--labels",
        String.join(",", CLASSES), image.toString(), image2.toString()), exit);
    assertEquals(0, exit[0], out);
    List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
    assertEquals(2, lines.size(), out);
    JsonNode first = TokenizeCommandTest.JSON.readTree(lines.get(0));
    assertEquals(image.toString(), first.get("image").asText());
    double sum = 0;
    double smileys = 0, food = 0;
    for (JsonNode l : first.get("labels")) {
      sum += l.get("prob").asDouble();
      if (l.get("label").asText().equals("Smileys & Emotion")) smileys = l.get("prob").asDouble();
      if (l.get("label").asText().equals("Food & Drink")) food = l.get("prob").asDouble();
    }
    assertEquals(3, first.get("labels").size());
    assertEquals(1.0, sum, 1e-5);

    // a subset: the same head, renormalised over the labels given
    String sub = TokenizeCommandTest.capture(() -> Vlt.execute("classify", "--model", dir.toString(), "--json", "--labels",
        "Food & Drink,Smileys & Emotion", image.toString()), exit);
    assertEquals(0, exit[0], sub);
    JsonNode line = TokenizeCommandTest.JSON.readTree(sub.strip());
    assertEquals(2, line.get("labels").size());
    for (JsonNode l : line.get("labels")) {
      double expected = (l.get("label").asText().equals("Food & Drink") ? food : smileys) / (food + smileys);
      assertEquals(expected, l.get("prob").asDouble(), 1e-5, l.toString());
    }

    // a label the head does not know: one line, exit 2
    String err = TokenizeCommandTest.captureErr(() -> Vlt.execute("classify", "--model", dir.toString(), "--labels",
        "Food & Drink,a photo of a cat", image.toString()), exit);
    assertEquals(2, exit[0], err);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.contains("a photo of a cat") && err.contains("Smileys & Emotion"), err);
  }
}
