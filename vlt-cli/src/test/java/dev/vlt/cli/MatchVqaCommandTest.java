package dev.vlt.cli;

import static dev.vlt.cli.TokenizeCommandTest.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.tokenize.BpeTrainer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlt match} and {@code vlt vqa} on ALBEF folders (retrieval and VQA, each with its own BPE) over real image files
 * (a ShapesWorld PNG and a 512 px photograph): JSON lines in input order, --queries, skipped unreadable images, user
 * mistakes and models without the capability.
 */
class MatchVqaCommandTest {
  @TempDir static Path tmp;
  static Path albef;
  static Path albefVqa;
  static Path shapes;
  static Path photo;
  static Path broken;

  @BeforeAll
  static void foldersAndImages() throws Exception {
    ShapesWorld world = new ShapesWorld();
    List<String> texts = new ArrayList<>(ShapesWorld.answers());
    world.samples(Split.TRAIN, 0, 200).forEach(s -> {
      texts.addAll(s.captions());
      s.questions().forEach(q -> texts.add(q.question()));
    });
    albef = tmp.resolve("albef");
    albefVqa = tmp.resolve("albef-vqa");
    for (Path dir : List.of(albef, albefVqa)) BpeTrainer.train(texts, 600).save(dir);   // ≤ the configs' 1,024 ids
    try (LoadedModel m = Models.create("albef-shapes-small", 1)) {
      Models.save(m, albef);
    }
    try (LoadedModel m = Models.create("albef-vqa-shapes-small", 2)) {
      Models.save(m, albefVqa);
    }
    shapes = tmp.resolve("shapes.png");
    ImageIO.write(world.sample(Split.TEST, 0).image(), "png", shapes.toFile());
    photo = tmp.resolve("photos").resolve("coffee.png");
    Files.createDirectories(photo.getParent());
    try (ZipFile zip = new ZipFile(TokenizeCommandTest.SHARED.resolve("data/photos-skimage/photos.zip").toFile());
        InputStream in = zip.getInputStream(zip.getEntry("coffee.png"))) {
      Files.copy(in, photo);
    }
    broken = tmp.resolve("broken.png");
    Files.writeString(broken, "not an image");
  }

  private static List<JsonNode> lines(String out) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String l : out.strip().split("\n")) nodes.add(new ObjectMapper().readTree(l));
    return nodes;
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

  /** A user mistake: exit 2 and one line on stderr naming it. */
  private static void mistake(String expected, String... args) {
    String err = error(2, args);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.startsWith("vlt: ") && err.contains(expected), "expected '" + expected + "' in: " + err);
  }

  @Test
  void matchPrintsOneProbabilityPerImageInOrder() throws Exception {
    List<JsonNode> out = lines(run(0, "match", "--model", albef.toString(), "--text", "a red circle",
        photo.toString(), shapes.toString(), photo.toString()));
    assertEquals(3, out.size());
    assertEquals(List.of(photo.toString(), shapes.toString(), photo.toString()), out.stream().map(n -> n.get("image").asText()).toList());
    for (JsonNode n : out) {
      assertEquals("a red circle", n.get("text").asText());
      double p = n.get("itm").asDouble();
      assertTrue(p > 0 && p < 1, "a probability: " + n);
    }
    assertEquals(out.get(0).get("itm").asDouble(), out.get(2).get("itm").asDouble(), 1e-6, "same pair, same score");
    assertTrue(Math.abs(out.get(0).get("itm").asDouble() - out.get(1).get("itm").asDouble()) > 1e-7, "the image matters");
  }

  @Test
  void queriesFileAnswersManyPairsWithPathsFromItsFolder() throws Exception {
    Path q = tmp.resolve("photos").resolve("pairs.jsonl");
    Files.writeString(q, "{\"image\": \"coffee.png\", \"text\": \"a cup of coffee\"}\n\n"
        + "{\"image\": \"" + shapes + "\", \"text\": \"a red circle\"}\n"
        + "{\"image\": \"coffee.png\", \"text\": \"a red circle\"}\n");
    List<JsonNode> out = lines(run(0, "match", "--model", albef.toString(), "--queries", q.toString()));
    assertEquals(List.of("coffee.png", shapes.toString(), "coffee.png"), out.stream().map(n -> n.get("image").asText()).toList());
    assertEquals(List.of("a cup of coffee", "a red circle", "a red circle"), out.stream().map(n -> n.get("text").asText()).toList());
    List<JsonNode> single = lines(run(0, "match", "--model", albef.toString(), "--text", "a red circle", shapes.toString(), photo.toString()));
    assertEquals(single.get(0).get("itm").asDouble(), out.get(1).get("itm").asDouble(), 1e-6, "batched with other pairs, the same score");
    assertEquals(single.get(1).get("itm").asDouble(), out.get(2).get("itm").asDouble(), 1e-6);
  }

  @Test
  void vqaAnswersFromTheModelsCandidates() throws Exception {
    List<JsonNode> out = lines(run(0, "vqa", "--model", albefVqa.toString(), "--question", "what color is the circle?",
        shapes.toString(), photo.toString()));
    assertEquals(2, out.size());
    assertEquals(shapes.toString(), out.get(0).get("image").asText());
    assertEquals(photo.toString(), out.get(1).get("image").asText());
    for (JsonNode n : out) {
      assertEquals("what color is the circle?", n.get("question").asText());
      assertTrue(ShapesWorld.answers().contains(n.get("answer").asText()), n.toString());
      double s = n.get("score").asDouble();
      assertTrue(s > 0 && s <= 1, n.toString());
    }
    Path q = tmp.resolve("questions.jsonl");
    Files.writeString(q, "{\"image\": \"" + photo + "\", \"question\": \"how many shapes are there?\"}\n"
        + "{\"image\": \"" + shapes + "\", \"question\": \"what color is the circle?\"}\n");
    List<JsonNode> many = lines(run(0, "vqa", "--model", albefVqa.toString(), "--queries", q.toString()));
    assertEquals(List.of("how many shapes are there?", "what color is the circle?"), many.stream().map(n -> n.get("question").asText()).toList());
    assertEquals(out.get(0).get("answer").asText(), many.get(1).get("answer").asText());
    assertEquals(out.get(0).get("score").asDouble(), many.get(1).get("score").asDouble(), 1e-5);
  }

  @Test
  void anUnreadableImageIsSkippedWithOneLineAndExitOne() throws Exception {
    int[] exit = new int[1];
    String[] args = {"match", "--model", albef.toString(), "--text", "a star", shapes.toString(), broken.toString(), photo.toString()};
    String out = capture(() -> Vlt.execute(args), exit);
    assertEquals(1, exit[0]);
    assertEquals(List.of(shapes.toString(), photo.toString()), lines(out).stream().map(n -> n.get("image").asText()).toList());
    String err = error(1, args);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.contains("skipped") && err.contains("broken.png"), err);
    String vqaErr = error(1, "vqa", "--model", albefVqa.toString(), "--question", "is there a star?", tmp.resolve("missing.png").toString());
    assertEquals(1, vqaErr.strip().lines().count(), vqaErr);
  }

  @Test
  void modelsWithoutTheCapabilityAreRefusedInOneLine() {
    mistake("cannot answer questions about images (VQA) (it has no question-answering capability", "vqa", "--model", albef.toString(),
        "--question", "what shape is the red one?", shapes.toString());
    mistake("cannot score whether a text matches an image", "match", "--model", albefVqa.toString(), "--text", "a star",
        shapes.toString());
    mistake("is a CLIP model and cannot score whether a text matches", "match", "--model", "shapes-small", "--text", "a star",
        shapes.toString());
  }

  @Test
  void userMistakesAreOneLineWithExitTwo() throws Exception {
    String m = albef.toString();
    mistake("give --text", "match", "--model", m, shapes.toString());
    mistake("no IMAGE given", "match", "--model", m, "--text", "a star");
    mistake("pass no IMAGE arguments", "match", "--model", m, "--queries", shapes.toString(), shapes.toString());
    Path bad = tmp.resolve("bad.jsonl");
    Files.writeString(bad, "{\"image\": \"a.png\", \"text\": \"x\"}\n{\"image\": \"a.png\"}\n");
    mistake("bad.jsonl:2 needs \"text\"", "match", "--model", m, "--queries", bad.toString());
    Files.writeString(bad, "[1, 2]\n");
    mistake("bad.jsonl:1 is not a JSON object", "match", "--model", m, "--queries", bad.toString());
    mistake("no such file", "vqa", "--model", albefVqa.toString(), "--queries", tmp.resolve("none.jsonl").toString());
    mistake("--batch-size must be at least 1", "vqa", "--model", albefVqa.toString(), "--batch-size", "0", "--question", "q",
        shapes.toString());
  }
}
