package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.eval.caption.CaptionScores;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.coca.Coca;
import dev.vlt.models.caption.Decoding;
import dev.vlt.models.caption.Generator;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.Tokenizer;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Trains coca-shapes from scratch on the emoji train pairs (image → CLDR name) and captions test emoji, whose names the
 * model has never seen. On request only: {@code -Dvlt.emoji.run=true [-Dvlt.emoji.steps=N] [-Dvlt.emoji.report=FILE]}.
 */
class EmojiCaptionRun {
  private record Pair(String file, String name, String category, boolean train) {}

  @Test
  void trainAndCaption() throws Exception {
    assumeTrue(Boolean.getBoolean("vlt.emoji.run"), "a long training run: set -Dvlt.emoji.run=true");
    int steps = Integer.getInteger("vlt.emoji.steps", 200);
    int batch = Integer.getInteger("vlt.emoji.batch", 24);
    double lr = Double.parseDouble(System.getProperty("vlt.emoji.lr", "7e-4"));
    double dropout = Double.parseDouble(System.getProperty("vlt.emoji.dropout", "0"));
    Path dir = Fixtures.data("emoji-google-64");
    ObjectMapper json = new ObjectMapper();
    List<Pair> pairs = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("pairs.jsonl"))) {
      JsonNode n = json.readTree(line);
      pairs.add(new Pair(n.get("file").asText(), n.get("cldr_name").asText(), n.get("category").asText(),
          n.get("split").asText().equals("train")));
    }
    List<Pair> train = pairs.stream().filter(Pair::train).filter(p -> !p.category().equals("Component")).toList();
    List<Pair> test = pairs.stream().filter(p -> !p.train()).filter(p -> !p.category().equals("Component")).toList();
    Map<String, int[]> rgb = new java.util.HashMap<>();
    try (ZipFile zip = new ZipFile(dir.resolve("images.zip").toFile())) {
      for (Pair p : pairs) rgb.put(p.file(), rgbOf(ImageIO.read(zip.getInputStream(zip.getEntry(p.file())))));
    }
    Path out = Path.of(System.getProperty("vlt.emoji.out", "target/coca-emoji"));
    Path modelDir;
    StringBuilder report = new StringBuilder();
    if (steps > 0) {
      // through vlt train: the emoji train pairs (caption = CLDR name), CoCa's task, a BPE trained on the names
      Checkpoints.deleteTree(out);
      TrainConfig cfg = TrainConfig.fromJson(json.createObjectNode().put("model", System.getProperty("vlt.emoji.arch", "coca-shapes"))
          .put("data", "emoji:train").put("crop_scale", 1.0).put("batch_size", batch).put("steps", steps).put("lr", lr)
          .put("warmup", Math.max(20, Math.min(100, steps / 10))).put("coca_token_dropout", dropout).put("zeroshot_frequency", 0)
          .put("seed", 2));
      long start = System.nanoTime();
      try (TrainRun run = TrainRun.create(out, cfg)) {
        run.run(new TrainListener() {
          @Override
          public void stepped(StepMetrics m) {
            if (m.step() % Integer.getInteger("vlt.emoji.log", 20) == 0) System.out.printf(Locale.ROOT, "step %d/%d %s%n", m.step(), steps, m.losses());
          }
        });
      }
      double minutes = (System.nanoTime() - start) / 60e9;
      List<JsonNode> lines = new MetricsLog(out.resolve(TrainRun.METRICS)).read();
      JsonNode last = lines.get(lines.size() - 1);
      report.append(String.format(Locale.ROOT, "Training (vlt train, task coca): %d steps of %d emoji train pairs (caption = CLDR name), "
          + "AdamW lr %.1e, decoder token dropout %.2f, %.1f min; final loss %.3f + %.3f.%n%n", steps, batch, lr, dropout, minutes,
          last.get("contrastive_loss").asDouble(), last.get("caption_loss").asDouble()));
      modelDir = out.resolve(TrainRun.MODEL);
    } else {
      modelDir = Path.of(System.getProperty("vlt.emoji.init"));
      report.append("Evaluated ").append(modelDir).append(".\n\n");
    }
    try (LoadedModel lc = Models.load(modelDir); NoGrad ng = NoGrad.open()) {
      Tokenizer tok = lc.tokenizer();
      Generator gen = Generator.of(lc.as(Coca.class), tok, lc.as(Coca.class).config().maxDecodeLength());
      Map<String, String> categoryOf = new java.util.HashMap<>();
      for (Pair p : pairs) categoryOf.put(comparable(p.name()), p.category());
      report.append("| split | decoding | images | exact name | an existing emoji name | name of the same category | BLEU-1 | ROUGE-L | CIDEr-D |\n"
          + "|---|---|---|---|---|---|---|---|---|\n");
      StringBuilder examples = new StringBuilder("| split | decoding | generated | true name |\n|---|---|---|---|\n");
      List<Pair> trainSample = new ArrayList<>();
      for (int i = 0; i < train.size(); i += 15) trainSample.add(train.get(i));  // ~100 spread over every category
      for (List<Pair> split : List.of(trainSample, test)) {
        String name = split.get(0).train() ? "train" : "test";
        for (Decoding d : List.of(Decoding.greedy(), new Decoding.Rerank(8, 1.0))) {
          String how = d instanceof Decoding.Rerank ? "beam 8 re-ranked" : "greedy";
          List<String> captions = new ArrayList<>();
          for (int i = 0; i < split.size(); i += 50) {
            try (NDScope scope = new NDScope()) {
              captions.addAll(gen.captions(ShapesCaptions.pixels(lc.manager(),
                  split.subList(i, Math.min(split.size(), i + 50)).stream().map(p -> rgb.get(p.file())).toList(), lc.preprocess()), d, tok));
            }
          }
          int exact = 0;
          int known = 0;
          int sameCategory = 0;
          for (int i = 0; i < split.size(); i++) {
            if (comparable(captions.get(i)).equals(comparable(split.get(i).name()))) exact++;
            String category = categoryOf.get(comparable(captions.get(i)));
            if (category != null) known++;
            if (split.get(i).category().equals(category)) sameCategory++;
          }
          CaptionScores sc = CaptionScores.compute(captions, split.stream().map(p -> List.of(p.name())).toList());
          int n = split.size();
          report.append(String.format(Locale.ROOT, "| %s | %s | %d | %d (%.0f%%) | %d (%.0f%%) | %d (%.0f%%) | %.3f | %.3f | %.3f |%n", name, how, n,
              exact, 100.0 * exact / n, known, 100.0 * known / n, sameCategory, 100.0 * sameCategory / n, sc.bleu1(), sc.rougeL(), sc.ciderD()));
          for (int i = 0; i < split.size(); i += split.size() / 10) {
            examples.append("| ").append(name).append(" | ").append(how).append(" | ").append(captions.get(i)).append(" | ")
                .append(split.get(i).name()).append(" |\n");
          }
        }
      }
      report.append("\n").append(examples);
      System.out.println(report);
      String file = System.getProperty("vlt.emoji.report");
      if (file != null) Files.writeString(Path.of(file), report.toString());
      assertTrue(Files.exists(modelDir.resolve("open_clip_model.safetensors")));
    }
  }

  /**
   * A name as the tokenizer can give it back: lower case (the BPE lower-cases) and no spaces around punctuation (its
   * decoding separates "family: woman, boy" into "family : woman , boy").
   */
  static String comparable(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("\\s*([^\\p{L}\\p{N}\\s])\\s*", "$1").replaceAll("\\s+", " ").strip();
  }

  /** RGBA emoji → packed RGB with alpha dropped, as PIL's convert('RGB') (no compositing; fixtures README). */
  private static int[] rgbOf(BufferedImage img) {
    Raster r = img.getRaster();
    int w = img.getWidth();
    int[] out = new int[w * img.getHeight()];
    boolean gray = r.getNumBands() < 3;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < w; x++) {
        int red = r.getSample(x, y, 0);
        out[y * w + x] = gray ? red << 16 | red << 8 | red : red << 16 | r.getSample(x, y, 1) << 8 | r.getSample(x, y, 2);
      }
    }
    return out;
  }
}
