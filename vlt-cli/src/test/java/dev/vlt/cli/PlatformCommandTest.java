package dev.vlt.cli;

import static dev.vlt.cli.TokenizeCommandTest.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.Split;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform from the command line: `vlt models` lists what exists; a CoCa trained with `vlt train` captions with
 * `vlt caption` and embeds with `vlt embed` (no per-architecture code in either); your own data exported, previewed and
 * trained on.
 */
class PlatformCommandTest {
  private static String run(String... args) {
    int[] exit = new int[1];
    String out = capture(() -> Vlt.execute(args), exit);
    assertEquals(0, exit[0], String.join(" ", args) + "\n" + out);
    return out;
  }

  @Test
  void modelsListsArchitecturesCapabilitiesTasksAndSystems() {
    String out = run("models");
    assertTrue(out.contains("CLIP (clip)") && out.contains("MS-CLIP (msclip)") && out.contains("CoCa (coca)"), out);
    assertTrue(out.contains("capabilities: image-embedding, text-embedding, image-text-similarity, captioning"), out);
    assertTrue(out.contains("tasks:        coca (CoCa: contrastive + captioning"), out);
    assertTrue(out.contains("coca-shapes-small") && out.contains("msclip-shapes-small") && out.contains("ViT-B-32"), out);
    String list = run("quickstart", "--list");
    for (String s : List.of("clip", "msclip", "coca")) assertTrue(list.lines().anyMatch(l -> l.startsWith(s + " ")), list);
  }

  @Test
  void aCocaTrainedWithVltTrainCaptionsAndEmbeds(@TempDir Path tmp) throws Exception {
    Path runDir = tmp.resolve("coca");
    String train = run("train", "--model", "coca-tiny", "--data", "shapes", "--captions", "first", "--batch-size", "8",
        "--steps", "3", "--train-num-samples", "24", "--out", runDir.toString(), "--threads", "1");
    assertTrue(train.contains("greedy captions naming exactly the scene's objects"), train);
    Path model = runDir.resolve("model");
    Path image = tmp.resolve("scene.png");
    ImageIO.write(new ShapesWorld().sample(Split.TEST, 0).image(), "png", image.toFile());
    String caption = run("caption", "--model", model.toString(), "--json", image.toString());
    assertEquals(image.toString(), new ObjectMapper().readTree(caption.strip()).get("image").asText());
    String embed = run("embed", "--model", model.toString(), "--texts", "a red circle");
    JsonNode v = new ObjectMapper().readTree(embed.strip()).get("embedding");
    assertEquals(64, v.size(), "coca-tiny's embed_dim");
    String info = run("info", model.toString());
    assertTrue(info.contains("architecture: CoCa") && info.contains("captioning") && info.contains("text decoder"), info);
  }

  @Test
  void ownDataIsExportedPreviewedAndTrainedOn(@TempDir Path tmp) throws Exception {
    String export = run("data", "export", "--data", "emoji:train", "--format", "csv", "--limit", "32", "--out", tmp.resolve("mine").toString());
    Path csv = tmp.resolve("mine/pairs.csv");
    assertTrue(export.contains("wrote 32 samples") && export.contains("--data " + csv), export);
    assertEquals(33, Files.readAllLines(csv).size(), "a header and 32 rows");
    Path png = tmp.resolve("sheet.png");
    String preview = run("data", "preview", "--data", csv.toString(), "--n", "9", "--out", png.toString());
    assertTrue(preview.contains("the first 9 samples of manifest"), preview);
    BufferedImage sheet = ImageIO.read(png.toFile());
    assertTrue(sheet.getWidth() > 3 * 128, "3 columns of 128-px cells: " + sheet.getWidth());
    String train = run("train", "--model", "tiny", "--data", csv.toString(), "--val-data", csv.toString(), "--batch-size", "8",
        "--epochs", "1", "--out", tmp.resolve("run").toString(), "--threads", "1");
    assertTrue(train.contains("--val-data retrieval: text→image R@1"), train);
    assertTrue(Files.isRegularFile(tmp.resolve("run/model/open_clip_model.safetensors")));
  }
}
