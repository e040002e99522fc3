package dev.vlt.cli;

import static dev.vlt.cli.TokenizeCommandTest.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.tokenize.BpeTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vlt caption} on a small CoCa folder with its own BPE: output formats, decoding flags and user errors. */
class CaptionCommandTest {
  @TempDir static Path tmp;
  static Path model;
  static Path a;
  static Path b;

  @BeforeAll
  static void modelFolderAndImages() throws Exception {
    model = tmp.resolve("coca");
    ShapesWorld world = new ShapesWorld();
    List<String> captions = new ArrayList<>();
    world.samples(Split.TRAIN, 0, 200).forEach(s -> captions.addAll(s.captions()));
    BpeTrainer.train(captions, 600).save(model);                 // 600 ≤ coca-tiny's 1000 ids
    try (LoadedModel lc = Models.create("coca-tiny", 5)) {
      Models.save(lc, model);
    }
    a = tmp.resolve("a.png");
    b = tmp.resolve("b.png");
    ImageIO.write(world.sample(Split.TEST, 0).image(), "png", a.toFile());
    ImageIO.write(world.sample(Split.TEST, 1).image(), "png", b.toFile());
  }

  private static String run(int expectedExit, String... args) {
    int[] exit = new int[1];
    String out = capture(() -> Vlt.execute(args), exit);
    assertEquals(expectedExit, exit[0], String.join(" ", args));
    return out;
  }

  @Test
  void oneCaptionPerImageAsTextOrJson() throws Exception {
    String[] lines = run(0, "caption", "--model", model.toString(), "--max-length", "5", a.toString(), b.toString()).split("\n");
    assertEquals(2, lines.length);
    String[] json = run(0, "caption", "--model", model.toString(), "--max-length", "5", "--json", a.toString(), b.toString()).split("\n");
    assertEquals(2, json.length);
    JsonNode first = new ObjectMapper().readTree(json[0]);
    assertEquals(a.toString(), first.get("image").asText());
    assertEquals(lines[0], first.get("caption").asText(), "greedy is deterministic");
    assertEquals(b.toString(), new ObjectMapper().readTree(json[1]).get("image").asText());
  }

  @Test
  void beamAndSeededSampling() {
    String beam = run(0, "caption", "--model", model.toString(), "--max-length", "4", "--beam", "2", a.toString());
    assertEquals(1, beam.split("\n").length);
    String reranked = run(0, "caption", "--model", model.toString(), "--max-length", "4", "--beam", "3", "--rerank", a.toString(), b.toString());
    assertEquals(2, reranked.split("\n").length);
    String s1 = run(0, "caption", "--model", model.toString(), "--max-length", "5", "--top-k", "50", "--seed", "3", a.toString(), b.toString());
    String s2 = run(0, "caption", "--model", model.toString(), "--max-length", "5", "--top-k", "50", "--seed", "3", a.toString(), b.toString());
    assertEquals(s1, s2, "the same seed gives the same captions");
  }

  /** Runs a command that must fail, and returns its standard error after checking the exit code. */
  static String error(int expectedExit, String... args) {
    int[] exit = new int[1];
    String err = TokenizeCommandTest.captureErr(() -> Vlt.execute(args), exit);
    assertEquals(expectedExit, exit[0], String.join(" ", args) + ": " + err);
    return err;
  }

  /** A user mistake: exit 2 and exactly one line on stderr, "vlt: ..." naming what was wrong. */
  static void mistake(String expected, String... args) {
    String err = error(2, args);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.startsWith("vlt: ") && err.contains(expected), "expected '" + expected + "' in: " + err);
  }

  @Test
  void userMistakesAreOneLineWithExitTwo() {
    String m = model.toString();
    mistake("either --beam or --top-k", "caption", "--model", m, "--beam", "2", "--top-k", "3", a.toString());
    mistake("--rerank needs --beam", "caption", "--model", m, "--rerank", a.toString());
    mistake("max length 99", "caption", "--model", m, "--max-length", "99", a.toString());
    mistake("no tokenizer files of its own: pass --tokenizer", "caption", "--model", "coca-tiny", a.toString());
    mistake("'no-such-model' is neither a model folder", "caption", "--model", "no-such-model", a.toString());
    mistake("cannot write captions (it has no captioning capability", "caption", "--model", "tiny", a.toString());
    // an unreadable image is skipped with one line and exit 1, the others still captioned
    String err = error(1, "caption", "--model", m, tmp.resolve("missing.png").toString());
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.contains("skipped") && err.contains("missing.png"), err);
  }
}
