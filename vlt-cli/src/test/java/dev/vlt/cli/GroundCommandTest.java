package dev.vlt.cli;

import static dev.vlt.cli.TokenizeCommandTest.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.ImageDecoder;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.BpeTrainer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vlt ground}: boxes in original pixels for a non-square image, --queries in order with a skipped file, errors. */
class GroundCommandTest {
  @TempDir static Path tmp;
  static Path model;
  static Path clip;
  static Path wide;
  static Path square;

  @BeforeAll
  static void modelFolderAndImages() throws Exception {
    model = tmp.resolve("transvg");
    ShapesWorld world = new ShapesWorld();
    List<String> corpus = new ArrayList<>();
    world.samples(Split.TRAIN, 0, 200).forEach(s -> {
      corpus.addAll(s.captions());
      s.referring().forEach(r -> corpus.add(r.text()));
    });
    BpeTrainer.train(corpus, 600).save(model);
    try (LoadedModel lm = Models.create("transvg-small", 5)) {
      Models.save(lm, model);
    }
    clip = tmp.resolve("clip");
    BpeTrainer.train(corpus, 600).save(clip);
    try (LoadedModel lm = Models.create("shapes-small", 5)) {
      Models.save(lm, clip);
    }
    BufferedImage img = new BufferedImage(128, 64, BufferedImage.TYPE_INT_RGB);     // twice as wide as high
    Graphics2D g = img.createGraphics();
    g.setColor(Color.RED);
    g.fillOval(80, 10, 30, 30);
    g.dispose();
    wide = tmp.resolve("wide.png");
    ImageIO.write(img, "png", wide.toFile());
    square = tmp.resolve("square.png");
    ImageIO.write(world.sample(Split.TEST, 0).image(), "png", square.toFile());
  }

  private static String run(int expectedExit, String... args) {
    int[] exit = new int[1];
    String out = capture(() -> Vlt.execute(args), exit);
    assertEquals(expectedExit, exit[0], String.join(" ", args));
    return out;
  }

  private static String error(int expectedExit, String... args) {
    int[] exit = new int[1];
    String err = TokenizeCommandTest.captureErr(() -> Vlt.execute(args), exit);
    assertEquals(expectedExit, exit[0], String.join(" ", args) + ": " + err);
    return err;
  }

  @Test
  void boxesAreInTheOriginalPixelsOfANonSquareImage() throws Exception {
    String[] lines = run(0, "ground", "--model", model.toString(), "--text", "the red circle", wide.toString(), square.toString()).split("\n");
    assertEquals(2, lines.length);
    JsonNode first = new ObjectMapper().readTree(lines[0]);
    assertEquals(wide.toString(), first.get("image").asText());
    assertEquals("the red circle", first.get("text").asText());
    assertTrue(first.get("score").isNull(), "TransVG has no confidence");
    assertEquals(square.toString(), new ObjectMapper().readTree(lines[1]).get("image").asText());
    // the model's own normalised box for the letterboxed input: 128×64 becomes 64×32 content with 16 rows of padding above
    float[] n;
    try (LoadedModel lm = Models.load(model); NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      EvalTransform t = new EvalTransform(lm.preprocess().withResizeMode("longest"));
      NDArray px = m.create(t.apply(ImageDecoder.decode(wide)), new Shape(1, 3, 64, 64));
      NDArray ids = m.create(lm.tokenizer().tokenize(List.of("the red circle")));
      n = lm.require(Capability.GROUNDING).ground(px, ids).boxes().toFloatArray();
    }
    double[] expected = {
        clamp((n[0] - n[2] / 2) * 64 * 2, 128), clamp(((n[1] - n[3] / 2) * 64 - 16) * 2, 64),
        clamp((n[0] + n[2] / 2) * 64 * 2, 128), clamp(((n[1] + n[3] / 2) * 64 - 16) * 2, 64)};
    for (int k = 0; k < 4; k++) assertEquals(expected[k], first.get("box").get(k).asDouble(), 0.011, "coordinate " + k);
  }

  private static double clamp(double v, int max) {
    return Math.max(0, Math.min(max, v));
  }

  @Test
  void queriesAnswerInInputOrderAndSkipUnreadableImages() throws Exception {
    Path q = tmp.resolve("queries.jsonl");
    Files.writeString(q, "{\"image\": \"square.png\", \"text\": \"the circle\"}\n{\"image\": \"missing.png\", \"text\": \"x\"}\n\n"
        + "{\"image\": \"" + wide + "\", \"text\": \"the red shape\"}\n");
    Path drawn = tmp.resolve("drawn");
    int[] exit = new int[1];
    String[] err = new String[1];
    String out = capture(() -> {
      int[] e = new int[1];
      err[0] = TokenizeCommandTest.captureErr(() -> Vlt.execute("ground", "--model", model.toString(), "--queries", q.toString(),
          "--out", drawn.toString()), e);
      return e[0];
    }, exit);
    assertEquals(1, exit[0], "an unreadable image makes the exit code 1");
    assertEquals(1, err[0].strip().split("\n").length, err[0]);
    assertTrue(err[0].contains("missing.png"), err[0]);
    String[] lines = out.strip().split("\n");
    assertEquals(2, lines.length);
    assertEquals("the circle", new ObjectMapper().readTree(lines[0]).get("text").asText());
    assertEquals("the red shape", new ObjectMapper().readTree(lines[1]).get("text").asText());
    assertTrue(Files.exists(drawn.resolve("00000-square.png")));
    assertTrue(Files.exists(drawn.resolve("00002-wide.png")));
    BufferedImage back = ImageIO.read(drawn.resolve("00002-wide.png").toFile());
    assertEquals(128, back.getWidth(), "drawn at the original size");
  }

  @Test
  void userMistakesAndModelsThatCannotGround() throws Exception {
    assertTrue(error(2, "ground", "--model", model.toString(), wide.toString()).contains("--text"));
    Path q = tmp.resolve("bad.jsonl");
    Files.writeString(q, "{\"image\": \"square.png\"}\n");
    String err = error(2, "ground", "--model", model.toString(), "--queries", q.toString());
    assertTrue(err.contains("bad.jsonl:1"), err);
    assertTrue(error(2, "ground", "--model", model.toString(), "--queries", q.toString(), "--text", "x").contains("not both"));
    err = error(2, "ground", "--model", clip.toString(), "--text", "the red circle", wide.toString());
    assertEquals(1, err.strip().split("\n").length, err);
    assertTrue(err.contains("grounding"), err);
  }
}
