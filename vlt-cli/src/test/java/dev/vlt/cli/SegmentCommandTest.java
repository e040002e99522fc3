package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlt segment} on the end-to-end CLIP fixture (the CLIP patch baseline): label maps the size of any input image,
 * JSON lines in input order, {@code --queries}, and the command contract's errors.
 */
class SegmentCommandTest {
  static final String MODEL = TokenizeCommandTest.MODEL.toString();
  static final String MERGES = TokenizeCommandTest.MERGES.toString();
  @TempDir static Path tmp;
  static Path wide;
  static Path tall;
  static Path square;

  @BeforeAll
  static void images() throws Exception {
    wide = image("wide.png", 97, 41, 1);
    tall = image("tall.jpg", 23, 130, 2);
    square = image("square.png", 64, 64, 3);
  }

  /** Random coloured blocks, so patches differ and more than one label can win. */
  private static Path image(String name, int w, int h, long seed) throws Exception {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, ((x / 9 * 31 + y / 7 * 17) * 2654435761L % 0xFFFFFF > 0x7FFFFF ? r.nextInt() : 0x336699) & 0xFFFFFF);
    Path p = tmp.resolve(name);
    ImageIO.write(img, name.endsWith(".jpg") ? "jpg" : "png", p.toFile());
    return p;
  }

  private static String run(int expectedExit, String... args) {
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute(args), exit);
    assertEquals(expectedExit, exit[0], String.join(" ", args) + "\n" + out);
    return out;
  }

  @Test
  void labelMapsHaveEachImagesOwnSizeAndLinesComeInInputOrder() throws Exception {
    Path out = tmp.resolve("maps");
    List<String> labels = List.of("a photo of a cat", "a blue square", "a diagram");
    String[] lines = run(0, "segment", "--model", MODEL, "--tokenizer", MERGES, "--labels", String.join(",", labels),
        "--out", out.toString(), wide.toString(), tall.toString(), square.toString()).strip().split("\n");
    assertEquals(3, lines.length);
    Path[] inputs = {wide, tall, square};
    int[][] sizes = {{97, 41}, {23, 130}, {64, 64}};
    for (int i = 0; i < 3; i++) {
      JsonNode n = TokenizeCommandTest.JSON.readTree(lines[i]);
      assertEquals(inputs[i].toString(), n.get("image").asText());
      assertEquals(sizes[i][0], n.get("width").asInt());
      assertEquals(sizes[i][1], n.get("height").asInt());
      BufferedImage map = ImageIO.read(Path.of(n.get("map").asText()).toFile());
      assertEquals(sizes[i][0], map.getWidth(), "label map width of " + inputs[i]);
      assertEquals(sizes[i][1], map.getHeight(), "label map height of " + inputs[i]);
      BufferedImage overlay = ImageIO.read(Path.of(n.get("overlay").asText()).toFile());
      assertEquals(sizes[i][0], overlay.getWidth());
      assertEquals(sizes[i][1], overlay.getHeight());
      long[] counts = new long[256];
      for (int y = 0; y < map.getHeight(); y++) for (int x = 0; x < map.getWidth(); x++) counts[map.getRaster().getSample(x, y, 0)]++;
      double total = sizes[i][0] * sizes[i][1];
      assertEquals(0, counts[0], "no threshold and a CLIP has none of its own: every pixel is labelled");
      for (int k = 0; k < labels.size(); k++) {
        JsonNode l = n.get("labels").get(k);
        assertEquals(labels.get(k), l.get("label").asText());
        assertEquals(k + 1, l.get("value").asInt());
        assertEquals(counts[k + 1] / total, l.get("fraction").asDouble(), 1e-9, "the printed fraction is the map's");
      }
      for (int v = labels.size() + 1; v < 256; v++) assertEquals(0, counts[v], "value " + v + " is no label");
    }
    assertTrue(Files.isRegularFile(out.resolve("wide.png")) && Files.isRegularFile(out.resolve("tall.overlay.png")));
    // a threshold above every cosine makes every pixel background
    String line = run(0, "segment", "--model", MODEL, "--tokenizer", MERGES, "--labels", "a cat,a dog", "--threshold", "1.01",
        "--out", tmp.resolve("bg").toString(), wide.toString()).strip();
    assertEquals(1.0, TokenizeCommandTest.JSON.readTree(line).get("background").asDouble());
  }

  @Test
  void queriesGiveEachImageItsOwnLabelsAndSkipUnreadableOnes() throws Exception {
    Path q = tmp.resolve("queries.jsonl");
    Files.writeString(q, String.join("\n",
        "{\"image\": \"wide.png\", \"labels\": [\"a cat\", \"a dog\", \"a tree\"]}",
        "{\"image\": \"missing.png\", \"labels\": [\"a cat\"]}",
        "",
        "{\"image\": \"" + tall + "\", \"labels\": \"a red circle,a blue square\"}") + "\n");
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute("segment", "--model", MODEL, "--tokenizer", MERGES,
        "--queries", q.toString(), "--out", tmp.resolve("q").toString()), exit);
    assertEquals(1, exit[0], "an unreadable image makes the exit code 1");
    String[] lines = out.strip().split("\n");
    assertEquals(2, lines.length, out);
    JsonNode first = TokenizeCommandTest.JSON.readTree(lines[0]);
    JsonNode second = TokenizeCommandTest.JSON.readTree(lines[1]);
    assertEquals(wide.toString(), first.get("image").asText());
    assertEquals(3, first.get("labels").size());
    assertEquals(tall.toString(), second.get("image").asText());
    assertEquals("a blue square", second.get("labels").get(1).get("label").asText());
    String err = CaptionCommandTest.error(1, "segment", "--model", MODEL, "--tokenizer", MERGES, "--queries", q.toString(), "--out",
        tmp.resolve("q2").toString());
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.contains("skipped") && err.contains("missing.png"), err);
  }

  @Test
  void userMistakesAreOneLineWithExitTwo() throws Exception {
    String o = tmp.resolve("m").toString();
    CaptionCommandTest.mistake("give --labels", "segment", "--model", MODEL, "--out", o, wide.toString());
    CaptionCommandTest.mistake("needs at least one IMAGE", "segment", "--model", MODEL, "--labels", "a,b", "--out", o);
    CaptionCommandTest.mistake("at least one non-empty label", "segment", "--model", MODEL, "--labels", " , ", "--out", o, wide.toString());
    Path bad = tmp.resolve("bad.jsonl");
    Files.writeString(bad, "{\"image\": \"wide.png\", \"labels\": [\"a\"]}\n{not json\n");
    CaptionCommandTest.mistake("bad.jsonl:2", "segment", "--model", MODEL, "--queries", bad.toString(), "--out", o);
    CaptionCommandTest.mistake("replaces --labels", "segment", "--model", MODEL, "--queries", bad.toString(), "--labels", "a", "--out", o);
    CaptionCommandTest.mistake("cannot segment images", "segment", "--model", "coca-tiny", "--labels", "a,b", "--out", o, wide.toString());
  }
}
