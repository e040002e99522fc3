package dev.vlt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.analysis.HeadStats;
import dev.vlt.analysis.ModalityAnalysis;
import dev.vlt.analysis.ModalityAnalyzer;
import dev.vlt.infer.ModelInputs;
import dev.vlt.analysis.Pairs;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.eval.MarkdownTable;
import dev.vlt.eval.suite.EvalSet;
import dev.vlt.eval.suite.EvalSets;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.msclip.MsClip;
import dev.vlt.analysis.InterModalityFlow;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.meter.Meter;
import dev.vlt.models.meter.MeterConfig;
import dev.vlt.report.Plots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = {"How close a model's two modalities are, on matched image-caption pairs: the modality gap (centroid",
        "distance, matched and unmatched cosine) and, per attention head of every block both modalities run, the CKA of",
        "the head's output between image and caption and each modality's normalised attention entropy.",
        "Takes MS-CLIP folders and CLIP folders whose towers have equal width and depth; give --model several times to compare.",
        "For fusion models (METER) it prints instead, per fusion layer, the inter-modality flow (visual parsing's IMF, for merged",
        "attention) and the share of each token's attention update that comes from the other modality (every fusion kind)."})
public final class AnalyzeCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model folder; repeat to compare models.")
  List<Path> models;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer instead of the model folder's.")
  Path tokenizer;

  @Option(names = "--data", defaultValue = "shapes", paramLabel = "SET",
      description = "Where the pairs come from: shapes (ShapesWorld test scenes) or emoji (test names); default ${DEFAULT-VALUE}.")
  String data;

  @Option(names = "--pairs", defaultValue = "256", paramLabel = "N", description = "Matched pairs to analyse (default ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--out", defaultValue = "runs/analyze", paramLabel = "DIR", description = "Output folder (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--json", description = "Print the full analysis as JSON instead of the table.")
  boolean json;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    if (!data.equals("shapes") && !data.equals("emoji")) throw new IllegalArgumentException("--data must be shapes or emoji, got '" + data + "'");
    if (pairs < 2) throw new IllegalArgumentException("--pairs must be at least 2, got " + pairs);
    if (isFusionModel(models.get(0))) return fusionFlow();
    List<ModalityAnalysis> results = new ArrayList<>();
    for (Path dir : models) {
      try (LoadedModel lm = Models.resolve(dir.toString(), tokenizer)) {
        MsClip model = MsClip.of(lm, lm.manager());  // a CLIP folder is the fully-separate MS-CLIP: the same keys and outputs
        ShapesWorldConfig shapes = ShapesWorldConfig.defaults().withImageSize(model.imageSize());
        List<EvalSet> sets = EvalSets.open(List.of(data), shapes, Math.max(pairs * 2, 20), msg -> {
          throw new IllegalArgumentException("--data " + data + ": " + msg);
        });
        Pairs p = Pairs.from(sets.get(0), pairs);
        ModelInputs inputs = new ModelInputs(new EvalTransform(lm.preprocess()), lm.tokenizer(), 64);
        results.add(ModalityAnalyzer.run(dir.getFileName().toString(), model, inputs, p));
      }
    }
    Files.createDirectories(out);
    ObjectNode root = toJson(results);
    Path jsonFile = out.resolve("analysis.json");
    Files.writeString(jsonFile, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n");
    Map<String, double[][]> cka = new LinkedHashMap<>();
    Map<String, double[][]> entropy = new LinkedHashMap<>();
    for (ModalityAnalysis a : results) {
      cka.put(a.model(), a.perLayer(HeadStats::cka));
      entropy.put(a.model() + " image", a.perLayer(HeadStats::imageEntropy));
      entropy.put(a.model() + " text", a.perLayer(HeadStats::textEntropy));
    }
    Plots.lines(out.resolve("cka.png"), "head CKA, image vs caption, per block", "block", cka);
    Plots.lines(out.resolve("entropy.png"), "normalised attention entropy per block", "block", entropy);
    if (json) {
      JsonLines.print(root);
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (ModalityAnalysis a : results) {
        rows.add(List.of(a.model(), Integer.toString(a.gap().pairs()), f(a.gap().centroidDistance()), f(a.gap().matchedCosine()),
            f(a.gap().unmatchedCosine()), f(a.meanCka()), f(a.meanEntropyGap())));
      }
      System.out.print(MarkdownTable.render(List.of("model", "pairs", "modality gap", "matched cos", "unmatched cos",
          "head CKA", "entropy gap"), rows));
      System.out.println("analysis: " + jsonFile.toAbsolutePath());
    }
    return 0;
  }

  private static boolean isFusionModel(Path dir) throws java.io.IOException {
    return Models.folderConfig(dir) instanceof MeterConfig;
  }

  /** The inter-modality flow per fusion layer of every --model, on ShapesWorld val scenes with their first caption. */
  private int fusionFlow() throws Exception {
    if (!data.equals("shapes")) throw new IllegalArgumentException("--data: the fusion analysis reads ShapesWorld scenes (shapes)");
    List<List<String>> rows = new ArrayList<>();
    ObjectNode root = new ObjectMapper().createObjectNode().put("pairs", pairs);
    ArrayNode all = root.putArray("models");
    for (Path dir : models) {
      try (LoadedModel lm = Models.resolve(dir.toString(), tokenizer)) {
        Meter meter = lm.as(Meter.class);
        int size = lm.preprocess().imageSize();
        ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(size).withObjects(1, 2));
        List<Raster8> images = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        world.samples(Split.VAL, 0, pairs).forEach(s -> {
          images.add(new Raster8(s.imageSize(), s.imageSize(), 3, s.rgbBytes()));
          texts.add(s.caption());
        });
        lm.module().train(false);
        ModelInputs inputs = new ModelInputs(new EvalTransform(lm.preprocess()), lm::tokenizer, 64);
        ObjectNode m = all.addObject().put("model", dir.toString()).put("fusion", meter.config().fusion().word());
        ArrayNode layers = m.putArray("layers");
        for (InterModalityFlow.Layer l : InterModalityFlow.measure(meter, inputs, images, texts, 64)) {
          rows.add(List.of(dir.getFileName().toString(), meter.config().fusion().word(), Integer.toString(l.index()), f(l.imf()),
              f(l.imfUniform()), f(l.shareText()), f(l.shareImage()), f(l.share())));
          ObjectNode row = layers.addObject().put("layer", l.index());
          number(row, "imf", l.imf());
          number(row, "imf_uniform", l.imfUniform());
          number(row, "share_text", l.shareText());
          number(row, "share_image", l.shareImage());
          number(row, "share", l.share());
        }
      }
    }
    Files.createDirectories(out);
    Path jsonFile = out.resolve("flow.json");
    Files.writeString(jsonFile, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n");
    if (json) {
      JsonLines.print(root);
    } else {
      System.out.print(MarkdownTable.render(List.of("model", "fusion", "layer", "IMF", "IMF uniform", "share text",
          "share image", "share"), rows));
      System.out.println("flow: " + jsonFile.toAbsolutePath());
    }
    return 0;
  }

  /** A figure, or null where it is not defined for the model (NaN is not JSON). */
  private static void number(ObjectNode o, String key, double v) {
    if (Double.isNaN(v)) o.putNull(key);
    else o.put(key, v);
  }

  private static String f(double v) {
    if (Double.isNaN(v)) return "-";
    return String.format(Locale.ROOT, "%.4f", v);
  }

  static ObjectNode toJson(List<ModalityAnalysis> results) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    ArrayNode models = root.putArray("models");
    for (ModalityAnalysis a : results) {
      ObjectNode m = models.addObject();
      m.put("model", a.model()).put("pairs", a.gap().pairs()).put("centroid_distance", a.gap().centroidDistance())
          .put("matched_cosine", a.gap().matchedCosine()).put("unmatched_cosine", a.gap().unmatchedCosine())
          .put("mean_cka", a.meanCka()).put("mean_entropy_gap", a.meanEntropyGap());
      ArrayNode heads = m.putArray("heads");
      for (HeadStats h : a.heads()) {
        heads.addObject().put("layer", h.layer()).put("head", h.head()).put("shared", h.shared()).put("cka", h.cka())
            .put("image_entropy", h.imageEntropy()).put("text_entropy", h.textEntropy());
      }
    }
    return root;
  }
}
