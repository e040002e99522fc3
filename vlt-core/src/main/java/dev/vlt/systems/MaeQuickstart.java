package dev.vlt.systems;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.DataSources;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.eval.Labeled;
import dev.vlt.eval.LinearProbe;
import dev.vlt.eval.ProbeMetrics;
import dev.vlt.eval.suite.EvalSet;
import dev.vlt.eval.suite.EvalSets;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.mae.Mae;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Trace;
import dev.vlt.infer.Reconstructions;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.PixelReconstruction;
import dev.vlt.report.HtmlReport;
import dev.vlt.report.ImageGrid;
import dev.vlt.train.ReconstructionEvaluation;
import dev.vlt.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * MAE's quickstart: {@code mae-small} (64 px, patch 8, 75 % of the patches removed, pixel targets) pretrained with
 * {@code vlt train}'s MAE task on the 1,530 training emoji, images only. Evaluated on the 376 held-out emoji: the error on
 * the removed patches against two baselines that see the same visible patches (the training set's mean patch at each
 * position, and the mean of the image's own visible patches), the reconstruction grid, and linear probes (emoji
 * categories, the 8×8 digits, ShapesWorld colour×shape) of the encoder's class token against the same encoder with random
 * weights.
 */
final class MaeQuickstart implements QuickstartSystem {
  static final String MODEL = "mae-small";
  static final String DATA = "emoji:train";
  static final int STEPS = 800;
  static final int BATCH = 64;
  static final int EXAMPLES = 10;
  static final int SHAPES_PER_PART = 400;
  private static final long MASK_SEED = 11;

  @Override
  public String name() {
    return "mae";
  }

  @Override
  public String description() {
    return "MAE (mae-small) pretrained on the training emoji without captions; masked reconstruction of held-out emoji against "
        + "the mean patch and the visible mean, and linear probes of its encoder against the same encoder with random weights";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    return TrainConfig.fromJson(settings(seed, steps != null ? steps : STEPS));
  }

  /** The run's settings at {@code n} steps (VLC's quickstart trains its MAE stage from them through {@link Stage}). */
  static ObjectNode settings(long seed, long n) {
    // MAE's recipe scaled down: AdamW with β2 0.95 and weight decay 0.05, random resized crops, warmup then cosine
    ObjectNode c = new ObjectMapper().createObjectNode().put("model", MODEL).put("data", DATA).put("seed", seed)
        .put("batch_size", BATCH).put("steps", n).put("lr", 1.5e-3).put("wd", 0.05).put("beta2", 0.95)
        .put("warmup", Math.min(60, n / 10)).put("crop_scale", 0.5).put("save_frequency", 10).put("zeroshot_frequency", 1000)
        .put("log_every_n_steps", 100);
    return c;
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    Path data = DataSources.dataDir();
    EvalSet emoji = EvalSets.emoji(data.resolve("emoji-google-64"));
    EvalSet digits = EvalSets.digits(data.resolve("digits-8x8").resolve("digits.csv.gz"));
    List<Figure> figures = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    HtmlReport html = new HtmlReport("vlt quickstart --system mae: " + description());
    try (LoadedModel lm = Models.load(modelDir)) {
      lm.module().train(false);
      PixelReconstruction mae = lm.require(Capability.PIXEL_RECONSTRUCTION);
      EvalSet shapes = EvalSets.shapes(ShapesWorldConfig.defaults().withSeed(seed + 1000).withImageSize(lm.preprocess().imageSize()),
          SHAPES_PER_PART);

      Reconstructions rec = new Reconstructions(mae, lm.preprocess());
      float[] meanPatch = rec.meanPatch(emoji.train().images());
      List<Reconstructions.Example> examples = new ArrayList<>();
      Reconstructions.Errors e = rec.evaluate(emoji.probeTest().images(), MASK_SEED, meanPatch, EXAMPLES, examples);
      log.accept(String.format(Locale.ROOT, "  held-out reconstruction error %.4f (mean patch %.4f, visible mean %.4f)", e.model(),
          e.meanPatch(), e.visibleMean()));
      html.section("masked reconstruction of held-out emoji").paragraph(String.format(Locale.ROOT, "The %d test emoji (never "
          + "trained on), each with %.0f %% of its %d patches removed by a fixed random draw; %d removed patches in all. Error: "
          + "mean squared error per value on the removed patches, in the model's target space (%s). Baselines see the same "
          + "visible patches: the mean patch (at each grid position, the mean of the %d training images) and the visible "
          + "mean (every removed patch predicted as the mean of the image's visible patches).", e.images(), 100 * mae.maskRatio(),
          mae.patches(), e.removedPatches(), mae.normPixTargets() ? "per-patch normalised pixels" : "normalised pixels",
          emoji.train().size()));
      html.table("error on the removed patches (lower is better)", List.of("predictor", "MSE", "share of the mean patch's error removed"),
          List.of(List.of("MAE", f(e.model()), f(e.explainedVsMeanPatch())),
              List.of("visible mean", f(e.visibleMean()), f(e.visibleMeanExplainedVsMeanPatch())),
              List.of("mean patch", f(e.meanPatch()), f(0))));
      html.image(ImageGrid.render("held-out emoji: original / masked / reconstruction (visible patches kept, removed ones predicted)",
          ReconstructionEvaluation.rows(examples, mae.maskRatio())), "the first " + EXAMPLES + " test emoji");
      figures.add(new Figure("held-out reconstruction: share of the mean patch's error removed", e.explainedVsMeanPatch(),
          "mean patch", 0));
      figures.add(new Figure("held-out reconstruction: share of the mean patch's error removed", e.explainedVsMeanPatch(),
          "visible mean", e.visibleMeanExplainedVsMeanPatch()));

      List<List<String>> rows = new ArrayList<>();
      Mae trained = lm.as(Mae.class);
      ModelInputs inputs = new ModelInputs(new EvalTransform(lm.preprocess()), () -> null, 64);
      try (LoadedModel random = Models.create(lm.config(), "random init", seed)) {
        random.module().train(false);
        for (EvalSet set : List.of(emoji, digits, shapes)) {
          Probe t = probe(trained, inputs, set);
          Probe r = probe(random.as(Mae.class), inputs, set);
          log.accept(String.format(Locale.ROOT, "  %s linear probe: MAE %.3f (%s), random init %.3f (%s)", set.name(),
              t.chosen().testAccuracy(), t.feature(), r.chosen().testAccuracy(), r.feature()));
          rows.add(List.of(set.description(), Integer.toString(t.cls().trainExamples() + t.cls().valExamples()),
              Integer.toString(t.cls().testExamples()), f(t.cls().testAccuracy()), f(t.mean().testAccuracy()),
              f(r.cls().testAccuracy()), f(r.mean().testAccuracy()), f(ContrastiveQuickstart.majority(t.cls().confusion()))));
          figures.add(new Figure(set.name() + " linear probe top-1 (" + t.cls().classes() + " classes), MAE encoder, "
              + t.feature(), t.chosen().testAccuracy(), "same encoder with random weights, " + r.feature(), r.chosen().testAccuracy()));
        }
      }
      html.section("linear probes").paragraph("Features of the encoder with every patch visible, after its final LayerNorm: "
          + "the class token (MAE's linear-probing feature) or the mean of the patch tokens. Logistic regression with the "
          + "penalty chosen on a held-out fifth of the training part, then scored on the test part. For each model the "
          + "headline feature is the one with the better accuracy on that held-out fifth (never the test part). Random "
          + "weights: the same architecture, seeded initialisation (its fixed sin-cos positions included).")
          .table("test top-1", List.of("set", "train", "test", "MAE, class token", "MAE, mean of patches",
              "random, class token", "random, mean of patches", "majority class"), rows);
    }
    Path report = out.resolve("report.html");
    html.write(report);
    return new Evaluation(figures, notes, report);
  }

  /** Probes on both features; {@code chosen} is the one with the better held-out (validation) accuracy. */
  record Probe(ProbeMetrics cls, ProbeMetrics mean) {
    ProbeMetrics chosen() {
      return mean.valAccuracy() > cls.valAccuracy() ? mean : cls;
    }

    String feature() {
      return chosen() == mean ? "mean of patches" : "class token";
    }
  }

  private static Probe probe(Mae mae, ModelInputs inputs, EvalSet set) {
    float[][][] train = features(mae, inputs, set.train().images());
    float[][][] test = features(mae, inputs, set.probeTest().images());
    ProbeMetrics[] out = new ProbeMetrics[2];
    for (int k = 0; k < 2; k++) {
      out[k] = LinearProbe.evaluate(new Labeled(train[k], set.train().labels()), new Labeled(test[k], set.probeTest().labels()),
          set.classNames(), LinearProbe.Config.DEFAULT);
    }
    return new Probe(out[0], out[1]);
  }

  /** images → {class token, mean of the patch tokens} [2][N][W], the encoder's output after its final LayerNorm. */
  static float[][][] features(Mae mae, ModelInputs inputs, List<Raster8> images) {
    float[][][] out = new float[2][images.size()][];
    for (int from = 0; from < images.size(); from += inputs.batchSize()) {
      List<Raster8> chunk = images.subList(from, Math.min(images.size(), from + inputs.batchSize()));
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        NDArray x = mae.encoder().forwardFeatures(inputs.pixels(m, chunk), Trace.NONE);       // [B, 1 + L, W]
        ModelInputs.copyRows(x.get(new NDIndex(":, 0")), out[0], from);
        ModelInputs.copyRows(x.get(new NDIndex(":, 1:")).mean(new int[] {1}), out[1], from);
      }
    }
    return out;
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
