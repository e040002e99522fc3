package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.eval.caption.CaptionScores;
import dev.vlt.models.coca.CocaModels;
import dev.vlt.models.coca.Decoding;
import dev.vlt.models.coca.Generator;
import dev.vlt.models.coca.LoadedCoca;
import dev.vlt.objectives.CocaLoss;
import dev.vlt.tokenize.BpeTrainer;
import dev.vlt.tokenize.ClipBpeTokenizer;
import dev.vlt.tokenize.TrainedBpe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Trains coca-shapes on ShapesWorld captions and reports captioning figures on held-out images. Minutes to an hour long on
 * a shared machine, so it runs only on request: {@code mvn -pl vlt-core test -Dtest=CocaShapesRun -Dvlt.coca.run=true
 * [-Dvlt.coca.steps=N] [-Dvlt.coca.batch=B] [-Dvlt.coca.out=DIR] [-Dvlt.coca.report=FILE.md]}.
 */
class CocaShapesRun {
  @Test
  void trainAndCaption() throws Exception {
    assumeTrue(Boolean.getBoolean("vlt.coca.run"), "a long training run: set -Dvlt.coca.run=true");
    int steps = Integer.getInteger("vlt.coca.steps", 300);
    int batch = Integer.getInteger("vlt.coca.batch", 24);
    double lr = Double.parseDouble(System.getProperty("vlt.coca.lr", "7e-4"));
    int maxObjects = Integer.getInteger("vlt.coca.objects", 2);
    int phrasing = Integer.getInteger("vlt.coca.phrasing", 0);
    double dropout = Double.parseDouble(System.getProperty("vlt.coca.dropout", "0"));
    Path out = Path.of(System.getProperty("vlt.coca.out", "target/coca-shapes"));
    ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withObjects(1, maxObjects));
    StringBuilder report = new StringBuilder();

    List<String> corpus = new ArrayList<>();
    world.samples(Split.TRAIN, 0, 2000).forEach(s -> corpus.addAll(s.captions()));
    String init = System.getProperty("vlt.coca.init");  // a folder to continue training from, with its tokenizer
    try (LoadedCoca lc = init != null ? CocaModels.load(Path.of(init)) : CocaModels.create(System.getProperty("vlt.coca.arch", "coca-shapes"), 1);
        NDManager opt = NDManager.newBaseManager()) {
      Path vocab = init != null ? Path.of(init) : out;
      if (init == null) BpeTrainer.train(corpus, lc.coca().config().text().vocabSize()).save(out);
      ClipBpeTokenizer tok = ClipBpeTokenizer.fromVocabAndMerges(vocab.resolve(TrainedBpe.VOCAB_FILE),
          vocab.resolve(TrainedBpe.MERGES_FILE), lc.coca().config().text().contextLength());
      if (init != null) {
        Files.createDirectories(out);
        Files.copy(vocab.resolve(TrainedBpe.VOCAB_FILE), out.resolve(TrainedBpe.VOCAB_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(vocab.resolve(TrainedBpe.MERGES_FILE), out.resolve(TrainedBpe.MERGES_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      double clipWeight = Double.parseDouble(System.getProperty("vlt.coca.clipweight", "1"));
      CocaTraining training = steps == 0 ? null : new CocaTraining(lc.coca(), new CocaLoss(clipWeight, 2.0, 0),
          new CocaTraining.Settings(steps, lr, 0.1, Math.max(1, Math.min(100, steps / 10)), 1.0, dropout), opt);
      long start = System.nanoTime();
      Map<String, Double> first = null;
      Map<String, Double> log = null;
      long offset = Long.getLong("vlt.coca.offset", 0);  // where in the train stream a continued run starts
      for (int step = 0; step < steps; step++) {
        List<ShapesSample> samples = world.samples(Split.TRAIN, offset + (long) step * batch, batch).toList();
        List<String> texts = samples.stream().map(s -> s.captions().get(phrasing)).toList();
        try (NDScope scope = new NDScope()) {
          log = training.step(ShapesCaptions.images(lc.manager(), samples, lc.preprocess()), ShapesCaptions.ids(lc.manager(), tok, texts));
        }
        if (first == null) first = log;
        if (step % Integer.getInteger("vlt.coca.log", 50) == 0 || step == steps - 1) {
          System.out.printf(Locale.ROOT, "step %d/%d  %s  %.2f steps/s%n", step, steps, log, (step + 1) / ((System.nanoTime() - start) / 1e9));
        }
      }
      double minutes = (System.nanoTime() - start) / 60e9;
      CocaModels.save(lc.coca(), lc.preprocess(), out);
      if (init != null) report.append(steps == 0 ? "Evaluated " : "Continued from ").append(init).append(". ");
      if (steps > 0) report.append(String.format(Locale.ROOT, "Training: %d steps of %d ShapesWorld train images (1-%d objects, caption phrasing %d), "
          + "AdamW lr %.1e (warm-up, cosine), weight decay 0.1, clip 1.0, decoder token dropout %.2f; %.1f min wall clock on the shared 2-core machine. "
          + "Loss (%.0f x contrastive + 2 x caption): %.3f + %.3f at step 0, %.3f + %.3f at the end. BPE vocabulary: %d tokens. "
          + "Updates skipped for a non-finite gradient: %d.%n%n",
          steps, batch, maxObjects, phrasing, lr, dropout, minutes, clipWeight, first.get("contrastive_loss"), first.get("caption_loss"),
          log.get("contrastive_loss"), log.get("caption_loss"), tok.vocabSize(), training.stepsSkipped()));
      report.append(zeroShot(lc, tok, world));
      report.append("| split | decoding | images | correct | BLEU-1 | BLEU-4 | ROUGE-L | CIDEr-D |\n|---|---|---|---|---|---|---|---|\n");
      Generator gen = Generator.of(lc.coca(), tok, lc.coca().config().maxDecodeLength());
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
    assertTrue(Files.exists(out.resolve("open_clip_model.safetensors")));
  }

  private static final int RERANK = 16;

  /**
   * CoCa's contrastive half on its own: single-object images of each split classified among all 42 colour×shape classes
   * by image-text cosine, each class's text the mean embedding of "a small …" and "a large …". Says whether the image
   * features know a held-out combination even when the decoder does not write it.
   */
  private static String zeroShot(LoadedCoca lc, ClipBpeTokenizer tok, ShapesWorld world) {
    List<dev.vlt.data.shapes.Combo> classes = dev.vlt.data.shapes.Combo.all();
    StringBuilder md = new StringBuilder("CoCa's contrastive towers, zero-shot among all 42 colour×shape classes:");
    try (NDScope scope = new NDScope(); dev.vlt.tensor.NoGrad ng = dev.vlt.tensor.NoGrad.open()) {
      List<String> prompts = new ArrayList<>();
      for (var c : classes) {
        prompts.add("a small " + c.name());
        prompts.add("a large " + c.name());
      }
      NDArray t = lc.coca().encodeText(ShapesCaptions.ids(lc.manager(), tok, prompts), true);
      NDArray classText = dev.vlt.tensor.Ops.l2Normalize(t.reshape(classes.size(), 2, -1).mean(new int[] {1}));  // [42, E]
      for (Split split : List.of(Split.VAL, Split.TEST)) {
        List<ShapesSample> samples = world.samples(split, 0, Integer.getInteger("vlt.coca.eval", 120)).toList();
        NDArray img = lc.coca().encodeImage(ShapesCaptions.images(lc.manager(), samples, lc.preprocess()), true);
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

  private static List<String> caption(LoadedCoca lc, Generator gen, ClipBpeTokenizer tok, List<ShapesSample> samples, Decoding d) {
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
