package dev.vlt.systems;

import static dev.vlt.systems.Quickstart.pct;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSources;
import dev.vlt.data.GeneratedSource;
import dev.vlt.data.NounPhrases;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.grounding.PatchBoxes;
import dev.vlt.models.loupe.Loupe;
import dev.vlt.models.loupe.LoupeConfig;
import dev.vlt.models.loupe.RegionGames;
import dev.vlt.models.loupe.ShapleyInteraction;
import dev.vlt.report.HtmlReport;
import dev.vlt.systems.QuickstartSystem.Figure;
import dev.vlt.tensor.NoGrad;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * How close LOUPE's neural Shapley module comes to sampling, on held-out scenes (ShapesWorld val and emoji-scenes
 * test): each image's caption gives its noun phrases, each phrase plays the candidate regions training would play
 * ({@link RegionGames#choose}), and every region's interaction is both predicted and sampled — at the training budget
 * ({@code contexts} per region) and at {@link #REFERENCE_CONTEXTS} contexts, the reference. The training budget's own
 * sampling error against the reference is the baseline the module is measured against.
 */
final class LoupeEvaluation {
  static final int IMAGES = 60;
  static final int REFERENCE_CONTEXTS = 64;
  static final List<String> SETS = List.of("shapes:val", "emoji-scenes:test");

  private LoupeEvaluation() {}

  /** Predicted, sampled (training budget), reference (64 contexts) interactions and the module's sd, per region. */
  record Values(List<double[]> rows) {
    double[] column(int c) {
      return rows.stream().mapToDouble(r -> r[c]).toArray();
    }
  }

  static void evaluate(LoadedModel lm, long seed, HtmlReport html, List<Figure> figures, List<String> notes,
      Map<String, Double> measures, Consumer<String> log) throws IOException {
    Loupe model = lm.as(Loupe.class);
    LoupeConfig cfg = model.config();
    ModelInputs inputs = new ModelInputs(new EvalTransform(lm.preprocess()), lm.tokenizer(), 20);
    List<double[]> rows = new ArrayList<>();
    for (String spec : SETS) {
      DataOptions options = DataOptions.defaults(lm.preprocess().imageSize()).withShapes(GroundingQuickstart.OBJECTS, IMAGES, 0);
      GeneratedSource source = (GeneratedSource) DataSources.open(spec, options, SkipReport.quiet());
      for (int from = 0; from < IMAGES; from += 20) {
        List<Raster8> images = new ArrayList<>();
        List<String> phrases = new ArrayList<>();
        List<Long> image = new ArrayList<>();
        for (int i = from; i < from + 20; i++) {
          Sample s = source.get(i);
          images.add(s.image().load());
          List<String> np = NounPhrases.of(s.captions().get(i % s.captions().size()));
          for (int k = 0; k < Math.min(cfg.phrases(), np.size()); k++) {
            phrases.add(np.get(k));
            image.add((long) (i - from));
          }
        }
        if (!phrases.isEmpty()) play(model, inputs, images, phrases, image, seed * 1_000_003L + from + 7L * rows.size(), rows);
      }
    }
    Values v = new Values(rows);
    double[] predicted = v.column(0), sampled = v.column(1), reference = v.column(2), sd = v.column(3);
    double rSampled = pearson(predicted, sampled), maeSampled = mae(predicted, sampled);
    double rReference = pearson(predicted, reference), maeReference = mae(predicted, reference);
    double rBudget = pearson(sampled, reference), maeBudget = mae(sampled, reference);
    List<Integer> sure = new ArrayList<>();
    for (int i = 0; i < sd.length; i++) if (sd[i] <= cfg.uncertaintyThreshold()) sure.add(i);
    double sureShare = (double) sure.size() / sd.length;
    double[] sp = sure.stream().mapToDouble(i -> predicted[i]).toArray(), sr = sure.stream().mapToDouble(i -> reference[i]).toArray();
    double sureMae = sure.isEmpty() ? Double.NaN : mae(sp, sr);
    double sureR = sure.size() < 3 ? Double.NaN : pearson(sp, sr);
    String what = rows.size() + " regions of " + IMAGES * SETS.size() + " held-out scenes";
    figures.add(new Figure("neural Shapley module vs sampled interaction (" + REFERENCE_CONTEXTS + " contexts), " + what
        + ": Pearson r", rReference, "sampling at the training budget (" + cfg.contexts() + " contexts)", rBudget));
    notes.add(String.format(Locale.ROOT, "neural Shapley module vs sampling, %s: against %d-context samples (the training budget) "
        + "r %.3f, MAE %.4f; against %d-context samples r %.3f, MAE %.4f, where the %d-context samples themselves reach r %.3f, "
        + "MAE %.4f; the module is sure (sd ≤ %.3f) of %.1f%% of the regions, and there r %.3f, MAE %.4f against the %d-context "
        + "samples; interactions per member range %.3f..%.3f (sd %.4f)", what, cfg.contexts(), rSampled, maeSampled, REFERENCE_CONTEXTS,
        rReference, maeReference, cfg.contexts(), rBudget, maeBudget, cfg.uncertaintyThreshold(), 100 * sureShare, sureR, sureMae,
        REFERENCE_CONTEXTS, min(reference), max(reference), sdOf(reference)));
    log.accept("  " + notes.get(notes.size() - 1));
    measures.put("shapley_r", rReference);
    measures.put("shapley_mae", maeReference);
    measures.put("sampling_r", rBudget);
    measures.put("sampling_mae", maeBudget);
    measures.put("shapley_sure_share", sureShare);
    plainMap(lm, seed, html, figures, notes, measures, log);
    for (String spec : SETS) {
      double[] pl = pseudoLabels(model, inputs, spec, IMAGES, seed);
      String line = String.format(Locale.ROOT, "pseudo-labels on %s (%d referring expressions, boxes used only to score): the "
          + "candidate of largest sampled interaction hits the referred box (IoU ≥ 0.5) for %.1f%%, the smallest for %.1f%%, the "
          + "region head's best for %.1f%%; some played candidate hits it for %.1f%%", spec, (int) pl[4], 100 * pl[0], 100 * pl[1],
          100 * pl[2], 100 * pl[3]);
      notes.add(line);
      log.accept("  " + line);
      measures.put("pseudo_label_hit_" + spec.replace(':', '_'), pl[0]);
    }
    html.section("neural Shapley module vs sampling").paragraph(notes.get(notes.size() - 1) + ". Each phrase (the caption's "
        + "noun phrases) plays the regions training would play: the region head's " + cfg.regions() / 2 + " best and "
        + (cfg.regions() - cfg.regions() / 2) + " at random.");
    html.table("agreement", List.of("estimate", "against", "Pearson r", "MAE"), List.of(
        List.of("neural module", cfg.contexts() + " contexts", f(rSampled), f(maeSampled)),
        List.of("neural module", REFERENCE_CONTEXTS + " contexts", f(rReference), f(maeReference)),
        List.of(cfg.contexts() + "-context sampling", REFERENCE_CONTEXTS + " contexts", f(rBudget), f(maeBudget)),
        List.of("neural module where sure (" + sure.size() + " regions)", REFERENCE_CONTEXTS + " contexts", f(sureR), f(sureMae))));
  }

  /**
   * The ablation inside the quickstart: the same model grounding by the plain patch-phrase cosine of its CLIP (no region
   * head) on the headline sets, with the same proposals and expressions as the figures above. The two share every
   * weight, so the difference is the region head's alone.
   */
  static void plainMap(LoadedModel lm, long seed, HtmlReport html, List<Figure> figures, List<String> notes,
      Map<String, Double> measures, Consumer<String> log) throws IOException {
    Loupe model = lm.as(Loupe.class);
    Loupe plain = model.config().withRegionHead(false).create();
    plain.namedParameters().forEach((name, p) -> p.set(model.namedParameters().get(name).value()));
    // not closed: it shares lm's manager and weights
    LoadedModel plainLm = new LoadedModel(lm.name() + " (plain patch-phrase cosine)", lm.folder(), plain.config(), plain,
        lm.preprocess(), lm.manager(), null);
    dev.vlt.infer.Grounder grounder = new dev.vlt.infer.Grounder(plainLm, 64);
    List<List<String>> rows = new ArrayList<>();
    for (GroundingQuickstart.EvalSet set : GroundingQuickstart.SETS) {
      if (!set.headline()) continue;
      var cases = GroundingQuickstart.cases(set.spec(), lm.preprocess().imageSize(), GroundingQuickstart.CASES);
      var m = dev.vlt.eval.GroundingEval.run(grounder, cases).metrics();
      String line = String.format(Locale.ROOT, "%s: the same model grounding by the plain patch-phrase cosine (no region head) "
          + "reaches Acc@0.5 %.1f%%, mean IoU %.3f over %d expressions", set.spec(), 100 * m.accAt50(), m.meanIou(), m.count());
      notes.add(line);
      log.accept("  " + line);
      measures.put("plain_acc50_" + set.spec().replace(':', '_'), m.accAt50());
      measures.put("plain_miou_" + set.spec().replace(':', '_'), m.meanIou());
      for (Figure f : List.copyOf(figures)) {
        if (f.name().startsWith(set.title() + ",") && f.name().endsWith("Acc@0.5")) {
          measures.put("head_gain_acc50_" + set.spec().replace(':', '_'), f.value() - m.accAt50());
        }
      }
      rows.add(List.of(set.title() + " (" + set.spec() + ")", pct(m.accAt50()), f(m.meanIou())));
    }
    html.section("ablation: grounding without the region head").table("the plain patch-phrase cosine of the same CLIP, same "
        + "proposals", List.of("set", "Acc@0.5", "mean IoU"), rows);
  }

  /**
   * Does the pseudo-label point at the referred object? On the referring expressions of held-out scenes (their boxes read
   * only here, to score), the share of expressions whose candidate of largest sampled interaction — and, for contrast, of
   * smallest — overlaps the referred box with IoU ≥ 0.5, beside the region head's own best candidate; all among the
   * regions training would play.
   */
  static double[] pseudoLabels(Loupe model, ModelInputs inputs, String spec, int count, long seed) throws IOException {
    LoupeConfig cfg = model.config();
    PatchBoxes boxes = model.candidates();
    int size = model.imageSize();
    DataOptions options = DataOptions.defaults(size).withShapes(GroundingQuickstart.OBJECTS, count, 0);
    GeneratedSource source = (GeneratedSource) DataSources.open(spec, options, SkipReport.quiet());
    int hitMax = 0, hitMin = 0, hitHead = 0, hitAny = 0, total = 0;
    for (int i = 0; i < count; i++) {
      Sample s = source.get(i);
      if (s.phrases().isEmpty()) continue;
      List<Raster8> images = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      List<float[]> truth = new ArrayList<>();
      for (var ph : s.phrases()) {
        images.add(s.image().load());
        texts.add(ph.text());
        var b = s.boxes().get(ph.box());
        truth.add(new float[] {b.x0() / size, b.y0() / size, b.x1() / size, b.y1() / size});
      }
      try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
        Loupe.Patches p = model.patches(inputs.pixels(m, images));
        NDArray text = model.encodeText(inputs.ids(m, texts), true);
        NDArray map = model.regionMap(p.tokens(), p.projected(), text);
        int j = texts.size(), players = boxes.grid() * boxes.grid(), e = model.embedDim();
        float[] maps = map.toFloatArray(), patches = p.projected().toFloatArray(), t = text.toFloatArray();
        for (int r = 0; r < j; r++) {
          float[] row = java.util.Arrays.copyOfRange(maps, r * players, (r + 1) * players);
          int[] chosen = RegionGames.choose(boxes, boxes.scores(row, 0.5), cfg.regions(), new SplittableRandom(seed + 31L * i + r));
          ShapleyInteraction.CosineGame game = RegionGames.game(patches, t, r, players, e);
          SplittableRandom random = new SplittableRandom(~(seed + 31L * i + r));
          int max = 0, min = 0;
          double[] v = new double[chosen.length];
          boolean any = false;
          for (int k = 0; k < chosen.length; k++) {
            v[k] = RegionGames.perMember(game, boxes.mask(chosen[k]), cfg.contexts(), random);
            if (v[k] > v[max]) max = k;
            if (v[k] < v[min]) min = k;
            any |= dev.vlt.tensor.Boxes.iou(boxes.box(chosen[k]), truth.get(r)) >= 0.5;
          }
          hitMax += dev.vlt.tensor.Boxes.iou(boxes.box(chosen[max]), truth.get(r)) >= 0.5 ? 1 : 0;
          hitMin += dev.vlt.tensor.Boxes.iou(boxes.box(chosen[min]), truth.get(r)) >= 0.5 ? 1 : 0;
          hitHead += dev.vlt.tensor.Boxes.iou(boxes.box(boxes.best(row)), truth.get(r)) >= 0.5 ? 1 : 0;
          hitAny += any ? 1 : 0;
          total++;
        }
      }
    }
    return new double[] {(double) hitMax / total, (double) hitMin / total, (double) hitHead / total, (double) hitAny / total, total};
  }

  private static void play(Loupe model, ModelInputs inputs, List<Raster8> images, List<String> phrases, List<Long> image, long seed,
      List<double[]> rows) {
    LoupeConfig cfg = model.config();
    PatchBoxes boxes = model.candidates();
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Loupe.Patches p = model.patches(inputs.pixels(m, images));
      NDArray text = model.encodeText(inputs.ids(m, phrases), true);
      NDArray idx = m.create(image.stream().mapToLong(Long::longValue).toArray());
      NDArray projected = p.projected().get(idx);
      NDArray map = model.regionMap(p.tokens().get(idx), projected, text);
      int j = phrases.size(), players = boxes.grid() * boxes.grid(), e = model.embedDim(), n = cfg.regions();
      float[] maps = map.toFloatArray();
      float[] masks = new float[j * n * players];
      int[][] chosen = new int[j][];
      for (int r = 0; r < j; r++) {
        float[] row = java.util.Arrays.copyOfRange(maps, r * players, (r + 1) * players);
        chosen[r] = RegionGames.choose(boxes, boxes.scores(row, 0.5), n, new SplittableRandom(seed + r));
        for (int k = 0; k < n; k++)
          for (int q = 0; q < players; q++) if (boxes.contains(chosen[r][k], q)) masks[(r * n + k) * players + q] = 1;
      }
      float[] pred = model.predictInteraction(Loupe.shapleyFeatures(projected, m.create(masks, new Shape(j, n, players)), text))
          .toFloatArray();
      float[] patches = projected.toFloatArray(), t = text.toFloatArray();
      for (int r = 0; r < j; r++) {
        ShapleyInteraction.CosineGame game = RegionGames.game(patches, t, r, players, e);
        SplittableRandom random = new SplittableRandom(~(seed + r));
        for (int k = 0; k < n; k++) {
          int at = r * n + k;
          long mask = boxes.mask(chosen[r][k]);
          double sampled = RegionGames.perMember(game, mask, cfg.contexts(), random);
          double reference = RegionGames.perMember(game, mask, REFERENCE_CONTEXTS, random);
          rows.add(new double[] {pred[2 * at], sampled, reference, Math.exp(0.5 * pred[2 * at + 1])});
        }
      }
    }
  }

  static double pearson(double[] a, double[] b) {
    double ma = mean(a), mb = mean(b), sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
  }

  static double mae(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
    return s / a.length;
  }

  private static double mean(double[] a) {
    double s = 0;
    for (double x : a) s += x;
    return s / a.length;
  }

  private static double sdOf(double[] a) {
    double m = mean(a), s = 0;
    for (double x : a) s += (x - m) * (x - m);
    return Math.sqrt(s / Math.max(1, a.length - 1));
  }

  private static double min(double[] a) {
    return java.util.Arrays.stream(a).min().orElse(Double.NaN);
  }

  private static double max(double[] a) {
    return java.util.Arrays.stream(a).max().orElse(Double.NaN);
  }


  private static String f(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
