package dev.vlt.cli;

import static dev.vlt.cli.TokenizeCommandTest.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SimLA through the command line: a few {@code vlt train --task simla} steps on captions, then {@code vlt ground} on the folder. */
class SimlaCommandTest {
  @TempDir Path tmp;

  @Test
  void aTinyRunSavesAFolderThatGrounds() throws Exception {
    Path run = tmp.resolve("run");
    int[] exit = new int[1];
    capture(() -> Vlt.execute("train", "--model", "simla-shapes-small", "--task", "simla", "--data", "shapes+emoji-scenes",
        "--steps", "3", "--batch-size", "4", "--out", run.toString(), "--threads", "1"), exit);
    assertEquals(0, exit[0], "vlt train --task simla");
    assertTrue(Files.isRegularFile(run.resolve("model/open_clip_model.safetensors")));
    JsonNode last = null;
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) last = new ObjectMapper().readTree(line);
    for (String term : new String[] {"itc_loss", "itm_loss", "xmm_text_loss", "xmm_image_loss", "psl_loss"}) {
      assertTrue(last.has(term) && Double.isFinite(last.get(term).asDouble()), term + " logged: " + last);
    }
    Path image = tmp.resolve("scene.png");
    ImageIO.write(new ShapesWorld().sample(Split.TEST, 0).image(), "png", image.toFile());
    String out = capture(() -> Vlt.execute("ground", "--model", run.resolve("model").toString(), "--text", "the red circle",
        image.toString()), exit);
    assertEquals(0, exit[0], out);
    JsonNode answer = new ObjectMapper().readTree(out.strip());
    assertEquals("the red circle", answer.get("text").asText());
    double score = answer.get("score").asDouble();
    assertTrue(score >= 0 && score <= 1, "the match probability: " + score);
    JsonNode box = answer.get("box");
    int size = ImageIO.read(image.toFile()).getWidth();
    assertTrue(box.get(0).asDouble() < box.get(2).asDouble() && box.get(1).asDouble() < box.get(3).asDouble(), box.toString());
    for (int k = 0; k < 4; k++) assertTrue(box.get(k).asDouble() >= 0 && box.get(k).asDouble() <= size, box.toString());
    // a patch-grid proposal: its corners fall on the patch grid of the 64 px input (patch 8)
    double cell = size / 8.0;
    for (int k = 0; k < 4; k++) {
      double c = box.get(k).asDouble() / cell;
      assertEquals(Math.round(c), c, 0.02, "corner " + k + " on the patch grid: " + box);
    }
  }
}
