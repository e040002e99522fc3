package dev.vlt.systems;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.shapes.CaptionCheck;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.eval.RocAuc;
import dev.vlt.train.NlipTask;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.TrainRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * NLIP's quickstart: shapes-small trained with {@code --task nlip} on a fixed set of 4,096 one-object ShapesWorld scenes
 * whose captions are 40 % swapped ({@code --caption-noise 0.4}); then zero-shot and retrieval on clean held-out scenes
 * (against chance), and how well NLIP's noise probability finds the swapped pairs (ROC AUC against 0.5, random scores).
 * The same evaluation serves runs of other tasks and data (the noise experiment's CLIP arms, the emoji pairs): it reads
 * what was trained on from the run's config beside the model folder.
 */
final class NlipQuickstart implements QuickstartSystem {
  static final String MODEL = "shapes-small";
  static final int STEPS = 512;
  static final int BATCH = 64;
  static final double NOISE = 0.4;

  @Override
  public String name() {
    return "nlip";
  }

  @Override
  public String description() {
    return "NLIP's noise harmonization (shapes-small) on ShapesWorld pairs with 40 % of captions swapped; zero-shot and "
        + "retrieval on clean held-out scenes, and the ROC AUC of its noise probability for the swapped pairs";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    long n = steps != null ? steps : STEPS;
    ObjectNode c = new ObjectMapper().createObjectNode().put("model", MODEL).put("data", ShapesWorld.NAME).put("seed", seed)
        .put("task", "nlip").put("caption_noise", NOISE).put("batch_size", BATCH).put("steps", n)
        .put("train_num_samples", 4096).put("nlip_warmup_epochs", 2);
    return TrainConfig.fromJson(c);
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    Path runDir = modelDir.toAbsolutePath().getParent();
    String data = ShapesWorld.NAME;
    Path config = runDir.resolve(TrainRun.CONFIG);
    if (Files.isRegularFile(config)) data = new ObjectMapper().readTree(config.toFile()).path("data").asText(data);
    String set = data.startsWith("emoji") ? "emoji" : ShapesWorld.NAME;
    Evaluation suite = ContrastiveQuickstart.suite(modelDir, out, seed, log, "vlt quickstart --system nlip: " + description(),
        List.of(set), List.of(set));
    List<Figure> figures = new ArrayList<>(suite.figures());
    List<String> notes = new ArrayList<>(suite.notes());
    Path noise = modelDir.resolve(NlipTask.NOISE_FILE);
    Path swappedFile = TrainRun.swappedIds(runDir);
    if (Files.isRegularFile(noise) && Files.isRegularFile(swappedFile)) {
      Set<String> swapped = new HashSet<>(Files.readAllLines(swappedFile, StandardCharsets.UTF_8));
      List<String> rows = Files.readAllLines(noise, StandardCharsets.UTF_8);
      double[] p = new double[rows.size() - 1];
      boolean[] noisy = new boolean[p.length];
      int flagged = 0;
      for (int i = 1; i < rows.size(); i++) {
        String[] f = rows.get(i).split("\t", -1);
        p[i - 1] = Double.parseDouble(f[2]);
        noisy[i - 1] = swapped.contains(f[0]);
        if (p[i - 1] > 0.5) flagged++;
      }
      double auc = RocAuc.of(p, noisy);
      if (!Double.isNaN(auc)) {
        figures.add(new Figure("noise ROC AUC (NLIP's noise probability, swapped vs kept training captions)", auc, "random scores", 0.5));
      }
      String line = String.format(Locale.ROOT, "noise estimate: %d of %d pairs judged noisy (p > 0.5); %d captions were swapped; ROC AUC %.3f",
          flagged, p.length, swapped.size(), auc);
      log.accept("  " + line);
      notes.add(line);
    } else {
      notes.add("no noise estimate: the run was not an nlip run with --caption-noise");
    }
    Path rewrites = modelDir.resolve(NlipTask.REWRITES_FILE);
    Path originals = runDir.resolve(TrainRun.SWAPPED_ORIGINALS);
    if (Files.isRegularFile(rewrites) && Files.isRegularFile(originals)) {
      rewriteFigures(rewrites, originals, set.equals(ShapesWorld.NAME), figures, notes, log);
    }
    return new Evaluation(figures, notes, suite.report());
  }

  /**
   * How right noise completion's last rewrites are. A pair's truth is its caption before the noise: the swapped pairs'
   * originals, the kept pairs' own. On ShapesWorld a rewrite is right when it names exactly the truth's colour-shape
   * pairs ({@link CaptionCheck#named}; size and place words are not judged), elsewhere when it equals the truth (case
   * aside). Baseline: the captions the rewrites replaced, judged the same way. Also how often the retrieved concepts hold
   * the truth's colour and shape words (ShapesWorld).
   */
  static void rewriteFigures(Path rewrites, Path originals, boolean shapes, List<Figure> figures, List<String> notes,
      Consumer<String> log) throws IOException {
    java.util.Map<String, String> truth = new java.util.HashMap<>();
    for (String l : Files.readAllLines(originals, StandardCharsets.UTF_8)) {
      String[] f = l.split("\t", -1);
      if (f.length == 2) truth.put(f[0], f[1]);
    }
    List<String> rows = Files.readAllLines(rewrites, StandardCharsets.UTF_8);
    int n = 0;
    int right = 0;
    int replacedRight = 0;
    int conceptsHit = 0;
    for (String l : rows.subList(1, rows.size())) {
      String[] f = l.split("\t", -1);   // id, noise probability, caption, concepts, rewrite
      String clean = truth.getOrDefault(f[0], f[2]);
      n++;
      if (same(f[4], clean, shapes)) right++;
      if (same(f[2], clean, shapes)) replacedRight++;
      List<dev.vlt.data.shapes.Combo> named = CaptionCheck.named(clean);
      if (shapes && named.size() == 1) {
        List<String> concepts = List.of(f[3].split(" "));
        if (concepts.contains(named.get(0).color().word()) && concepts.contains(named.get(0).shape().word())) conceptsHit++;
      }
    }
    if (n == 0) {
      notes.add("noise completion rewrote no caption");
      return;
    }
    String what = shapes ? "names the scene's true colour and shape" : "equals the clean caption";
    figures.add(new Figure("rewrites right (" + what + ", last rewrite pass)", (double) right / n,
        "the captions they replaced", (double) replacedRight / n));
    String line = String.format(Locale.ROOT, "noise completion: %d captions rewritten, %d (%.1f %%) right; the captions they "
        + "replaced were right for %d (%.1f %%)", n, right, 100.0 * right / n, replacedRight, 100.0 * replacedRight / n);
    if (shapes) line += String.format(Locale.ROOT, "; the retrieved concepts held the true colour and shape for %d (%.1f %%)",
        conceptsHit, 100.0 * conceptsHit / n);
    log.accept("  " + line);
    notes.add(line);
  }

  private static boolean same(String caption, String truth, boolean shapes) {
    if (!shapes) return caption.trim().equalsIgnoreCase(truth.trim());
    List<dev.vlt.data.shapes.Combo> named = CaptionCheck.named(caption);
    return !named.isEmpty() && named.equals(CaptionCheck.named(truth));
  }
}
