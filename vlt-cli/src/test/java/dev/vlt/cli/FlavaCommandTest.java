package dev.vlt.cli;

import static dev.vlt.cli.TokenizeCommandTest.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.shapes.QuestionAnswer;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.flava.FlavaConfig;
import dev.vlt.tokenize.BpeTrainer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A FLAVA folder answers ({@code vqa}) and matches ({@code match}); one without a VQA head refuses {@code vqa} in one line. */
class FlavaCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** flava-shapes-small at seed 1 with a BPE of ShapesWorld's words, saved into {@code dir}; {@code answers} false drops its VQA head. */
  private static Path folder(Path dir, boolean answers) throws Exception {
    ObjectNode cfg = Models.config("flava-shapes-small").toJson(JSON);
    if (!answers) cfg.remove("answers");
    List<String> words = Stream.concat(ShapesWorld.answers().stream(),
        new ShapesWorld().samples(Split.TRAIN, 0, 100).flatMap(s -> Stream.concat(s.captions().stream(),
            s.questions().stream().map(QuestionAnswer::question)))).toList();
    BpeTrainer.train(words, 600).save(dir);
    try (LoadedModel m = Models.create(FlavaConfig.fromJson(cfg), "flava", 1)) {
      Models.save(m, dir);
    }
    return dir;
  }

  @Test
  void oneFolderAnswersAndMatchesAndOneWithoutAnswersRefusesVqa(@TempDir Path tmp) throws Exception {
    Path image = tmp.resolve("scene.png");
    ImageIO.write(new ShapesWorld().sample(Split.TEST, 0).image(), "png", image.toFile());
    Path model = folder(tmp.resolve("flava"), true);
    int[] exit = new int[1];
    JsonNode answer = JSON.readTree(capture(() -> Vlt.execute("vqa", "--model", model.toString(), "--question",
        "what color is the circle?", image.toString()), exit).strip());
    assertEquals(0, exit[0], answer.toString());
    assertTrue(ShapesWorld.answers().contains(answer.get("answer").asText()), answer.toString());
    JsonNode match = JSON.readTree(capture(() -> Vlt.execute("match", "--model", model.toString(), "--text", "a small red circle",
        image.toString()), exit).strip());
    assertEquals(0, exit[0], match.toString());
    double p = match.get("itm").asDouble();
    assertTrue(p >= 0 && p <= 1, match.toString());

    Path plain = folder(tmp.resolve("flava-no-answers"), false);
    String err = TokenizeCommandTest.captureErr(() -> Vlt.execute("vqa", "--model", plain.toString(), "--question",
        "what color is the circle?", image.toString()), exit);
    assertEquals(2, exit[0], err);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.contains("no VQA head"), err);
  }
}
