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
import dev.vlt.tensor.Parameter;
import dev.vlt.tokenize.BpeTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One BEiT-3 folder serves {@code vqa}, {@code embed} and {@code classify}; commands it has no capability for are refused
 * in one line; {@code vlt info} breaks its parameters down into shared and per expert, adding up to the total.
 */
class Beit3CommandTest {
  @TempDir static Path tmp;
  static Path model;
  static Path image;
  static long total;

  @BeforeAll
  static void folderAndImage() throws Exception {
    ShapesWorld world = new ShapesWorld();
    List<String> texts = new ArrayList<>(ShapesWorld.answers());
    world.samples(Split.TRAIN, 0, 200).forEach(s -> {
      texts.addAll(s.captions());
      s.questions().forEach(q -> texts.add(q.question()));
    });
    model = tmp.resolve("beit3");
    BpeTrainer.train(texts, 600).save(model);                                         // ≤ the config's 1,023 ids
    try (LoadedModel m = Models.create("beit3-shapes-small", 1)) {
      total = m.module().namedParameters().values().stream().mapToLong(Parameter::numel).sum();
      Models.save(m, model);
    }
    image = tmp.resolve("scene.png");
    ImageIO.write(world.sample(Split.TEST, 0).image(), "png", image.toFile());
  }

  private static String run(String... args) {
    int[] exit = new int[1];
    String out = capture(() -> Vlt.execute(args), exit);
    assertEquals(0, exit[0], String.join(" ", args) + ": " + out);
    return out;
  }

  @Test
  void oneFolderAnswersEmbedsAndClassifies() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode answer = json.readTree(run("vqa", "--model", model.toString(), "--question", "what color is the circle?",
        image.toString()).strip());
    assertTrue(ShapesWorld.answers().contains(answer.get("answer").asText()), answer.toString());
    List<String> embedded = new ArrayList<>(run("embed", "--model", model.toString(), "--images", image.toString()).strip()
        .lines().toList());
    embedded.addAll(run("embed", "--model", model.toString(), "--texts", "a red circle").strip().lines().toList());
    assertEquals(2, embedded.size(), String.join("\n", embedded));
    for (String line : embedded) {
      JsonNode e = json.readTree(line);
      assertEquals(128, e.get("embedding").size(), line);
    }
    String classified = run("classify", "--model", model.toString(), "--labels", "a red circle,a blue square", image.toString());
    assertTrue(classified.contains("a red circle") && classified.contains("a blue square"), classified);
  }

  @Test
  void refusesWhatItCannotDoInOneLine() {
    for (List<String> args : List.of(List.of("match", "--model", model.toString(), "--text", "a star", image.toString()),
        List.of("caption", "--model", model.toString(), image.toString()))) {
      int[] exit = new int[1];
      String err = TokenizeCommandTest.captureErr(() -> Vlt.execute(args.toArray(String[]::new)), exit);
      assertEquals(2, exit[0], args + ": " + err);
      assertEquals(1, err.strip().lines().count(), err);
      assertTrue(err.contains("is a BEiT-3 model and cannot"), err);
    }
  }

  @Test
  void infoSplitsParametersIntoSharedAndPerExpert() {
    String out = run("info", model.toString());
    assertTrue(out.contains("architecture: BEiT-3"), out);
    Matcher line = Pattern.compile("parameters: +([0-9,]+) total \\((.*)\\)").matcher(out);
    assertTrue(line.find(), out);
    assertEquals(total, Long.parseLong(line.group(1).replace(",", "")));
    long sum = 0;
    Matcher part = Pattern.compile("([^,]+?) ([0-9][0-9,]*)(?:, |$)").matcher(line.group(2));
    List<String> names = new ArrayList<>();
    while (part.find()) {
      names.add(part.group(1).strip());
      sum += Long.parseLong(part.group(2).replace(",", ""));
    }
    assertTrue(names.containsAll(List.of("shared attention and norms", "vision expert V-FFN", "language expert L-FFN",
        "vision-language expert VL-FFN")), names.toString());
    assertEquals(total, sum, "the parts add up to the total: " + line.group(2));
  }
}
