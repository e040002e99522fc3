package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.eval.caption.CaptionScores;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.coca.Coca;
import dev.vlt.models.caption.Decoding;
import dev.vlt.models.caption.Generator;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Trains a CoCa of the registry on ShapesWorld captions through {@code vlt train}'s path ({@link TrainRun} with CoCa's
 * task) and reports captioning figures on held-out images. Minutes to an hour long, so it runs only on request:
 * {@code mvn -pl vlt-core test -Dtest=CocaShapesRun -Dvlt.coca.run=true [-Dvlt.coca.steps=N] [-Dvlt.coca.batch=B]
 * [-Dvlt.coca.arch=coca-shapes-small] [-Dvlt.coca.out=DIR] [-Dvlt.coca.report=FILE.md]}; with {@code -Dvlt.coca.steps=0
 * -Dvlt.coca.init=MODEL_DIR} it evaluates a trained model folder.
 */
class CocaShapesRun {
  @Test
  void trainAndCaption() throws Exception {
    assumeTrue(Boolean.getBoolean("vlt.coca.run"), "a long training run: set -Dvlt.coca.run=true");
    int steps = Integer.getInteger("vlt.coca.steps", 300);
    int batch = Integer.getInteger("vlt.coca.batch", 24);
    double lr = Double.parseDouble(System.getProperty("vlt.coca.lr", "7e-4"));
    int maxObjects = Integer.getInteger("vlt.coca.objects", 2);
    double dropout = Double.parseDouble(System.getProperty("vlt.coca.dropout", "0"));
    double clipWeight = Double.parseDouble(System.getProperty("vlt.coca.clipweight", "1"));
    Path out = Path.of(System.getProperty("vlt.coca.out", "target/coca-shapes"));
    ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withObjects(1, maxObjects));
    StringBuilder report = new StringBuilder();
    Path modelDir;
    if (steps > 0) {
      Checkpoints.deleteTree(out);
      TrainConfig cfg = TrainConfig.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
          .put("model", System.getProperty("vlt.coca.arch", "coca-shapes")).put("data", "shapes").put("shapes_objects", maxObjects)
          .put("captions", "first").put("crop_scale", 1.0).put("batch_size", batch).put("steps", steps).put("lr", lr)
          .put("warmup", Math.max(1, Math.min(100, steps / 10))).put("coca_contrastive_loss_weight", clipWeight)
          .put("coca_token_dropout", dropout).put("zeroshot_frequency", 0).put("seed", 1));
      long start = System.nanoTime();
      try (TrainRun run = TrainRun.create(out, cfg)) {
        run.run(new TrainListener() {
          @Override
          public void stepped(StepMetrics m) {
            if (m.step() % Integer.getInteger("vlt.coca.log", 50) == 0) System.out.printf(Locale.ROOT, "step %d/%d %s%n", m.step(), steps, m.losses());
          }
        });
      }
      double minutes = (System.nanoTime() - start) / 60e9;
      List<com.fasterxml.jackson.databind.JsonNode> lines = new MetricsLog(out.resolve(TrainRun.METRICS)).read();
      var first = lines.get(0);
      var last = lines.get(lines.size() - 1);
      report.append(String.format(Locale.ROOT, "Training (vlt train, task coca): %d steps of %d ShapesWorld train images (1-%d objects, "
          + "caption phrasing 0), AdamW lr %.1e (warm-up, cosine), weight decay 0.1, clip 1.0, decoder token dropout %.2f; %.1f min "
          + "wall clock. Loss (%.0f x contrastive + 2 x caption): %.3f + %.3f at step 1, %.3f + %.3f at the end.%n%n",
          steps, batch, maxObjects, lr, dropout, minutes, clipWeight, first.get("contrastive_loss").asDouble(),
          first.get("caption_loss").asDouble(), last.get("contrastive_loss").asDouble(), last.get("caption_loss").asDouble()));
      modelDir = out.resolve(TrainRun.MODEL);
    } else {
      modelDir = Path.of(System.getProperty("vlt.coca.init"));
      report.append("Evaluated ").append(modelDir).append(". ");
    }
    try (LoadedModel lc = Models.load(modelDir); NoGrad ng = NoGrad.open()) {
      Tokenizer tok = lc.tokenizer();
      report.append(zeroShot(lc, tok, world));
      report.append("| split | decoding | images | correct | BLEU-1 | BLEU-4 | ROUGE-L | CIDEr-D |\n|---|---|---|---|---|---|---|---|\n");
      Generator gen = Generator.of(lc.as(Coca.class), tok, lc.as(Coca.class).config().maxDecodeLength());
      StringBuilder examples = new StringBuilder("| split | decoding | generated | reference caption 0 | correct |\n|---|---|---|---|---|\n");
      double testCorrect = 0;
      for (Split split : List.of(Split.VAL, Split.TEST)) {
        List<ShapesSample> samples = world.samples(split, 0, Integer.getInteger("vlt.coca.eval", 120)).toList();
        List<List<String>> refs = samples.stream().map(ShapesSample::captions).toList();
        for (Decoding d : List.of(Decoding.greedy(), new Decoding.Beam(3, 1.0), new Decoding.Rerank(RERANK, 1.0, 1.0),
            new Decoding.Rerank(RERANK, 1.0, Double.POSITIVE_INFINITY))) {
          List<String> captions = caption(lc, gen, tok, samples, d);
          int correct = 0;
          for (int i = 0; i < samples.size(); i++) if (ShapesCaptions.correct(captions.get(i), samples.get(i))) correct++;
          CaptionScores sc = CaptionScores.compute(captions, refs);
          String name = d instanceof Decoding.Beam ? "beam 3, length penalty 1"
              : d instanceof Decoding.Rerank r ? "beam " + RERANK + " re-ranked, " + (Double.isInfinite(r.weight())
                  ? "cosine alone" : "beam score + cosine") : "greedy";
          report.append(String.format(Locale.ROOT, "| %s | %s | %d | %d (%.0f%%) | %.3f | %.3f | %.3f | %.3f |%n", split.word(), name,
              samples.size(), correct, 100.0 * correct / samples.size(), sc.bleu1(), sc.bleu4(), sc.rougeL(), sc.ciderD()));
          System.out.printf("%s %s: %s, correct %d/%d%n", split, name, sc, correct, samples.size());
          if (d instanceof Decoding.Greedy || d instanceof Decoding.Rerank) {
            if (split == Split.TEST) testCorrect = Math.max(testCorrect, correct / (double) samples.size());
            // the first 6 images, then (held-out split) the first 4 further ones this decoding gets right
            int rightShown = 0;
            for (int i = 0; i < samples.size() && (i < 6 || split == Split.TEST && rightShown < 4); i++) {
              boolean ok = ShapesCaptions.correct(captions.get(i), samples.get(i));
              if (i >= 6 && !ok) continue;
              if (i >= 6) rightShown++;
              examples.append(String.format("| %s | %s | %s | %s | %s |%n", split.word(), name, captions.get(i), samples.get(i).caption(),
                  ok ? "yes" : "no"));
            }
          }
        }
      }
      report.append("\n").append(examples);
      System.out.println(report);
      String file = System.getProperty("vlt.coca.report");
      if (file != null) Files.writeString(Path.of(file), report.toString());
      assertTrue(testCorrect > 0.5, "held-out captions correct only " + testCorrect);
    }
    assertTrue(Files.exists(modelDir.resolve("open_clip_model.safetensors")));
  }

  private static final int RERANK = 16;

  /**
   * CoCa's contrastive half on its own: single-object images of each split classified among all 42 colour×shape classes
   * by image-text cosine, each class's text the mean embedding of "a small …" and "a large …". Says whether the image
   * features know a held-out combination even when the decoder does not write it.
   */
  private static String zeroShot(LoadedModel lc, Tokenizer tok, ShapesWorld world) {
    List<dev.vlt.data.shapes.Combo> classes = dev.vlt.data.shapes.Combo.all();
    StringBuilder md = new StringBuilder("CoCa's contrastive towers, zero-shot among all 42 colour×shape classes:");
    try (NDScope scope = new NDScope(); dev.vlt.tensor.NoGrad ng = dev.vlt.tensor.NoGrad.open()) {
      List<String> prompts = new ArrayList<>();
      for (var c : classes) {
        prompts.add("a small " + c.name());
        prompts.add("a large " + c.name());
      }
      NDArray t = lc.as(Coca.class).encodeText(ShapesCaptions.ids(lc.manager(), tok, prompts), true);
      NDArray classText = dev.vlt.tensor.Ops.l2Normalize(t.reshape(classes.size(), 2, -1).mean(new int[] {1}));  // [42, E]
      for (Split split : List.of(Split.VAL, Split.TEST)) {
        List<ShapesSample> samples = world.samples(split, 0, Integer.getInteger("vlt.coca.eval", 120)).toList();
        NDArray img = lc.as(Coca.class).encodeImage(ShapesCaptions.images(lc.manager(), samples, lc.preprocess()), true);
        long[] pred = img.matMul(classText.transpose()).argMax(1).toLongArray();
        int right = 0;
        for (int i = 0; i < samples.size(); i++) {
          if (samples.get(i).scene().size() == 1 && classes.get((int) pred[i]).equals(samples.get(i).scene().get(0).combo())) right++;
        }
        md.append(String.format(Locale.ROOT, " %s %d/%d (%.0f%%);", split.word(), right, samples.size(), 100.0 * right / samples.size()));
      }
    }
    return md.append(" chance 2.4%.\n\n").toString();
  }

  private static List<String> caption(LoadedModel lc, Generator gen, Tokenizer tok, List<ShapesSample> samples, Decoding d) {
    List<String> captions = new ArrayList<>();
    for (int i = 0; i < samples.size(); i += 50) {
      try (NDScope scope = new NDScope()) {
        NDArray images = ShapesCaptions.images(lc.manager(), samples.subList(i, Math.min(samples.size(), i + 50)), lc.preprocess());
        captions.addAll(gen.captions(images, d, tok));
      }
    }
    return captions;
  }
}
