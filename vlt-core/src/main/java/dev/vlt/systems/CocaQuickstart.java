package dev.vlt.systems;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.shapes.CaptionCheck;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.eval.caption.CaptionScores;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.caption.CaptionModel;
import dev.vlt.models.caption.Decoding;
import dev.vlt.models.caption.Generator;
import dev.vlt.report.HtmlReport;
import dev.vlt.report.ImageGrid;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.Tokenizer;
import dev.vlt.train.ShapesZeroShot;
import dev.vlt.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * CoCa's quickstart: coca-shapes-small trained with CoCa's task (contrastive + captioning) on one-object ShapesWorld
 * scenes captioned "a small red circle", then captioning of scenes seen in kind (val) and of colour×shape combinations
 * never seen in training (test), greedy and with beam search re-ranked by the model's own contrastive towers; each
 * caption counts only when it names exactly the scene's object ({@link CaptionCheck}). Baseline: the most frequent
 * training caption for every image. The contrastive half is evaluated zero-shot against chance.
 */
final class CocaQuickstart implements QuickstartSystem {
  static final String MODEL = "coca-shapes-small";
  static final int STEPS = 1500;
  static final int BATCH = 32;
  static final int IMAGES = 200;
  static final int BEAM = 8;

  @Override
  public String name() {
    return "coca";
  }

  @Override
  public String description() {
    return "CoCa (coca-shapes-small) trained on ShapesWorld with contrastive + captioning losses; captions of seen and of "
        + "held-out colour×shape combinations, and zero-shot with its contrastive towers";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    long n = steps != null ? steps : STEPS;
    ObjectNode c = new ObjectMapper().createObjectNode().put("model", MODEL).put("data", ShapesWorld.NAME).put("seed", seed)
        .put("captions", "first").put("crop_scale", 1.0).put("batch_size", BATCH).put("steps", n)
        .put("train_num_samples", BATCH * Math.max(1, n / 4)).put("lr", 7e-4).put("warmup", Math.min(100, n / 10));
    return TrainConfig.fromJson(c);
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    try (LoadedModel lm = Models.load(modelDir); NoGrad ng = NoGrad.open()) {
      lm.module().train(false);
      CaptionModel captioner = lm.require(Capability.CAPTIONING);
      Tokenizer tok = lm.tokenizer();
      PreprocessConfig pre = lm.preprocess();
      ShapesWorldConfig worldCfg = ShapesWorldConfig.defaults().withImageSize(pre.imageSize()).withObjects(1, 1);
      ShapesWorld world = new ShapesWorld(worldCfg);
      Generator gen = Generator.of(captioner, tok, captioner.maxDecodeLength());
      String constant = mostFrequentTrainingCaption(world);
      HtmlReport html = new HtmlReport("vlt quickstart --system coca: " + description());
      html.section("captioning").paragraph("Each split: the first " + IMAGES + " one-object scenes. val: colour×shape "
          + "combinations seen in training; test: the " + world.combos(Split.TEST).size() + " held-out combinations, never "
          + "seen. A caption counts as correct only when it names exactly the scene's object (size words allowed). "
          + "Baseline: \"" + constant + "\", the most frequent training caption, for every image.");
      List<List<String>> rows = new ArrayList<>();
      List<List<String>> examples = new ArrayList<>();
      List<ImageGrid.Row> grid = new ArrayList<>();
      Map<String, Double> correct = new LinkedHashMap<>();
      for (Split split : List.of(Split.VAL, Split.TEST)) {
        List<ShapesSample> samples = world.samples(split, 0, IMAGES).toList();
        List<List<String>> refs = samples.stream().map(ShapesSample::captions).toList();
        Map<String, List<String>> byDecoding = new LinkedHashMap<>();
        byDecoding.put("constant baseline", samples.stream().map(x -> constant).toList());
        byDecoding.put("greedy", caption(gen, tok, lm, pre, samples, Decoding.greedy()));
        byDecoding.put("beam " + BEAM + " re-ranked", caption(gen, tok, lm, pre, samples, new Decoding.Rerank(BEAM, 1.0, 1.0)));
        for (Map.Entry<String, List<String>> d : byDecoding.entrySet()) {
          List<String> caps = d.getValue();
          int ok = 0;
          for (int i = 0; i < caps.size(); i++) if (CaptionCheck.describes(caps.get(i), samples.get(i).scene())) ok++;
          CaptionScores sc = CaptionScores.compute(caps, refs);
          correct.put(split.word() + "/" + d.getKey(), (double) ok / caps.size());
          rows.add(List.of(split.word(), d.getKey(), String.format(Locale.ROOT, "%d (%.1f%%)", ok, 100.0 * ok / caps.size()),
              f(sc.bleu4()), f(sc.ciderD())));
          log.accept(String.format(Locale.ROOT, "  %s %s: %d/%d correct, CIDEr-D %.3f", split.word(), d.getKey(), ok, caps.size(), sc.ciderD()));
          if (!d.getKey().startsWith("constant")) {
            List<ImageGrid.Thumb> thumbs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
              boolean right = CaptionCheck.describes(caps.get(i), samples.get(i).scene());
              thumbs.add(new ImageGrid.Thumb(samples.get(i).image(), caps.get(i), right));
              examples.add(List.of(split.word(), d.getKey(), caps.get(i), samples.get(i).caption(), right ? "yes" : "no"));
            }
            grid.add(new ImageGrid.Row(split.word() + ", " + d.getKey(), thumbs));
          }
        }
      }
      html.table("captions named correctly", List.of("split", "decoding", "correct", "BLEU-4", "CIDEr-D"), rows);
      html.image(ImageGrid.render("generated captions (green frame: correct)", grid), "the first 6 scenes of each split");
      html.table("examples", List.of("split", "decoding", "generated", "reference", "correct"), examples);
      Map<String, Double> zs = new ShapesZeroShot(lm.require(Capability.IMAGE_TEXT_SIMILARITY), tok, pre, worldCfg, IMAGES).evaluate();
      html.section("contrastive towers, zero-shot").table("42-way colour×shape classification of one-object scenes",
          List.of("split", "top-1", "chance"), List.of(
              List.of("val (seen combinations)", f(zs.get("val_top1")), f(zs.get("chance"))),
              List.of("test (held-out combinations)", f(zs.get("test_top1")), f(zs.get("chance"))),
              List.of("test, among the held-out classes only", f(zs.get("test_top1_heldout")), f(zs.get("chance_heldout")))));
      Path report = out.resolve("report.html");
      html.write(report);
      List<Figure> figures = List.of(
          new Figure("val greedy captions correct (seen combinations)", correct.get("val/greedy"), "most frequent training caption",
              correct.get("val/constant baseline")),
          new Figure("test greedy captions correct (held-out combinations)", correct.get("test/greedy"), "most frequent training caption",
              correct.get("test/constant baseline")),
          new Figure("test re-ranked captions correct (held-out combinations)", correct.get("test/beam " + BEAM + " re-ranked"),
              "most frequent training caption", correct.get("test/constant baseline")),
          new Figure("test zero-shot top-1 of the contrastive towers (42-way)", zs.get("test_top1"), "chance", zs.get("chance")));
      return new Evaluation(figures, List.of(), report);
    }
  }

  private static List<String> caption(Generator gen, Tokenizer tok, LoadedModel lm, PreprocessConfig pre, List<ShapesSample> samples,
      Decoding decoding) {
    int s = pre.imageSize();
    int plane = 3 * s * s;
    List<String> out = new ArrayList<>();
    for (int from = 0; from < samples.size(); from += 50) {
      int n = Math.min(50, samples.size() - from);
      float[] px = new float[n * plane];
      for (int i = 0; i < n; i++) System.arraycopy(pre.normalize(samples.get(from + i).pixels()), 0, px, i * plane, plane);
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
        out.addAll(gen.captions(m.create(px, new Shape(n, 3, s, s)), decoding, tok));
      }
    }
    return out;
  }

  /** The training caption (phrasing 0, as trained) most frequent among the first 2,000 training scenes. */
  static String mostFrequentTrainingCaption(ShapesWorld world) {
    Map<String, Integer> counts = new HashMap<>();
    world.samples(Split.TRAIN, 0, 2000).forEach(x -> counts.merge(x.caption(), 1, Integer::sum));
    return counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .orElseThrow().getKey();
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
