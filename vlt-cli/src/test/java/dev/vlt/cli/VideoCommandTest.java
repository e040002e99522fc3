package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.data.shapes.ShapesClip;
import dev.vlt.data.shapes.ShapesClipSource;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.data.video.VideoWriter;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.tokenize.BpeTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Videos through the commands: {@code vlt classify} and {@code vlt embed} on real GIF and MP4 files written from
 * ShapesWorld clips, a corrupt video skipped in one line (exit 1), per-input labels from {@code --queries}, and a model
 * without video capability refused in one line (exit 2).
 */
class VideoCommandTest {
  @TempDir static Path dir;
  static Path model, gif, mp4, corrupt, png;

  @BeforeAll
  static void files() throws Exception {
    ShapesClip clip = new ShapesWorld(ShapesWorldConfig.defaults().withObjects(1, 1)).clip(Split.TEST, 0);
    var frames = ShapesClipSource.video(clip, "clip").frames();
    gif = VideoWriter.gif(frames, 8, dir.resolve("clip.gif"));
    mp4 = VideoWriter.mp4(frames, 8, dir.resolve("clip.mp4"));
    byte[] bytes = Files.readAllBytes(mp4);
    corrupt = Files.write(dir.resolve("corrupt.mp4"), Arrays.copyOf(bytes, bytes.length / 4));
    png = dir.resolve("frame.png");
    ImageIO.write(clip.frame(0), "png", png.toFile());
    // an untrained OmniVL folder with a tokenizer of its own: the commands' plumbing, not the model's accuracy
    model = dir.resolve("omnivl");
    try (LoadedModel m = Models.create("omnivl-shapes-small", 1)) {
      Models.save(m, model);
    }
    BpeTrainer.train(List.of("a red circle moves to the left", "a blue square grows", "a green triangle shrinks"), 1024)
        .save(model);
  }

  @Test
  void classifyTakesGifAndMp4AndSkipsACorruptVideo() throws Exception {
    int[] exit = new int[1];
    String[] err = new String[1];
    String out = TokenizeCommandTest.capture(() -> {
      int[] e = new int[1];
      err[0] = TokenizeCommandTest.captureErr(() -> Vlt.execute("classify", "--model", model.toString(), "--json", "--labels",
          "a red circle moves to the left,a blue square grows", gif.toString(), corrupt.toString(), mp4.toString()), e);
      return e[0];
    }, exit);
    assertEquals(1, exit[0], "a skipped input makes the exit code 1");
    String[] lines = out.strip().split("\n");
    assertEquals(2, lines.length, out);
    JsonNode first = TokenizeCommandTest.JSON.readTree(lines[0]);
    assertEquals(gif.toString(), first.get("image").asText());
    assertEquals(mp4.toString(), TokenizeCommandTest.JSON.readTree(lines[1]).get("image").asText());
    double sum = 0;
    for (JsonNode l : first.get("labels")) sum += l.get("prob").asDouble();
    assertEquals(1.0, sum, 1e-6);
    List<String> errLines = err[0].strip().lines().toList();
    assertEquals(1, errLines.size(), err[0]);
    assertTrue(errLines.get(0).contains(corrupt.toString()) && errLines.get(0).contains("MP4"), errLines.get(0));
  }

  @Test
  void movClassifiesAGifFromItsFramesAndFlowWithoutSound() throws Exception {
    // an untrained MOV folder: the command reaches MOV's video path (flow from the GIF's frames, no sound track)
    Path mov = dir.resolve("mov");
    try (LoadedModel m = Models.create("mov-shapes-small", 1)) {
      Models.save(m, mov);
    }
    BpeTrainer.train(List.of("something moves to the left", "something grows", "something shrinks"), 1024).save(mov);
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute("classify", "--model", mov.toString(), "--json", "--labels",
        "something moves to the left,something grows,something shrinks", gif.toString()), exit);
    assertEquals(0, exit[0], out);
    String[] lines = out.strip().split("\n");
    assertEquals(1, lines.length, out);
    JsonNode labels = TokenizeCommandTest.JSON.readTree(lines[0]).get("labels");
    assertEquals(3, labels.size());
    double sum = 0;
    for (JsonNode l : labels) sum += l.get("prob").asDouble();
    assertEquals(1.0, sum, 1e-6);
  }

  @Test
  void embedTakesImagesAndVideosInInputOrder() throws Exception {
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute("embed", "--model", model.toString(), "--images",
        mp4.toString(), png.toString(), gif.toString()), exit);
    assertEquals(0, exit[0]);
    String[] lines = out.strip().split("\n");
    assertEquals(3, lines.length);
    assertEquals(png.toString(), TokenizeCommandTest.JSON.readTree(lines[1]).get("id").asText());
    JsonNode a = TokenizeCommandTest.JSON.readTree(lines[0]).get("embedding");
    JsonNode b = TokenizeCommandTest.JSON.readTree(lines[2]).get("embedding");
    assertEquals(128, a.size());
    double dot = 0;
    for (int i = 0; i < a.size(); i++) dot += a.get(i).asDouble() * b.get(i).asDouble();
    assertTrue(dot > 0.95, "the GIF and the MP4 of one clip embed alike: cosine " + dot);
  }

  @Test
  void queriesGiveEachInputItsOwnLabels() throws Exception {
    Path q = Files.writeString(dir.resolve("queries.jsonl"),
        "{\"image\": \"clip.gif\", \"labels\": [\"a red circle grows\", \"a red circle shrinks\", \"a red circle moves up\"]}\n"
            + "{\"image\": \"frame.png\", \"labels\": [\"a blue square grows\", \"a blue square shrinks\"]}\n");
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute("classify", "--model", model.toString(), "--json",
        "--queries", q.toString()), exit);
    assertEquals(0, exit[0]);
    String[] lines = out.strip().split("\n");
    assertEquals(2, lines.length);
    assertEquals(3, TokenizeCommandTest.JSON.readTree(lines[0]).get("labels").size());
    assertEquals(2, TokenizeCommandTest.JSON.readTree(lines[1]).get("labels").size());
  }

  @Test
  void anOmniVlWithItsDecoderCaptionsVideosAndImagesInInputOrder() throws Exception {
    // an untrained captioner: the plumbing (clips through the decoder, output order, the skip line), not caption quality
    Path cap = dir.resolve("omnivl-captioner");
    try (LoadedModel m = Models.create("omnivl-captioner-shapes-small", 1)) {
      Models.save(m, cap);
    }
    BpeTrainer.train(List.of("a red circle moves to the left", "a blue square grows"), 1024).save(cap);
    int[] exit = new int[1];
    String[] err = new String[1];
    String out = TokenizeCommandTest.capture(() -> {
      int[] e = new int[1];
      err[0] = TokenizeCommandTest.captureErr(() -> Vlt.execute("caption", "--model", cap.toString(), "--json", "--max-length", "6",
          gif.toString(), png.toString(), corrupt.toString(), mp4.toString()), e);
      return e[0];
    }, exit);
    assertEquals(1, exit[0], "the corrupt video is skipped: " + err[0]);
    List<String> images = new java.util.ArrayList<>();
    for (String l : out.strip().split("\n")) {
      JsonNode line = TokenizeCommandTest.JSON.readTree(l);
      assertTrue(line.get("caption").isTextual(), l);
      images.add(line.get("image").asText());
    }
    assertEquals(List.of(gif.toString(), png.toString(), mp4.toString()), images, out);
    assertEquals(1, err[0].strip().lines().count(), err[0]);
    assertTrue(err[0].contains(corrupt.toString()), err[0]);
  }

  @Test
  void aDualEncoderCannotCaptionInOneLine() {
    int[] exit = new int[1];
    String err = TokenizeCommandTest.captureErr(() -> Vlt.execute("caption", "--model", model.toString(), gif.toString()), exit);
    assertEquals(2, exit[0]);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.contains("cannot write captions"), err);
  }

  @Test
  void anImageModelRefusesVideosInOneLine() {
    int[] exit = new int[1];
    String err = TokenizeCommandTest.captureErr(() -> Vlt.execute("classify", "--model", ClassifyCommandTest.MODEL.toString(),
        "--tokenizer", ClassifyCommandTest.MERGES.toString(), "--labels", "a cat,a dog", gif.toString()), exit);
    assertEquals(2, exit[0]);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.contains("cannot embed videos"), err);
  }
}
