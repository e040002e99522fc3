package dev.vlt.systems;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    return new Evaluation(figures, notes, suite.report());
  }
}
