package dev.vlt.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.analysis.HeadStats;
import dev.vlt.eval.MarkdownTable;
import dev.vlt.report.Plots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one report of an experiment: a table of every run's metrics as mean ± sample standard deviation over the seeds
 * (with parameters and training throughput), every run's training curve on one plot, the per-block head CKA, and
 * {@code results.json} with every number per seed.
 */
public final class ExperimentReport {
  /** The files written. */
  public record Written(Path markdown, Path json, List<Path> plots) {}

  /** A mean and a spread over seeds. */
  record Stat(double mean, double std, int n) {
    /** Over the finite values of {@code xs} (a metric a run does not have is NaN); n = 0 when there are none. */
    static Stat of(List<Double> all) {
      List<Double> xs = all.stream().filter(Double::isFinite).toList();
      double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double ss = xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
      return new Stat(mean, xs.size() > 1 ? Math.sqrt(ss / (xs.size() - 1)) : 0, xs.size());
    }

    String format(int decimals) {
      if (n == 0) return "—";
      String f = "%." + decimals + "f";
      return String.format(Locale.ROOT, f + " ± " + f, mean, std);
    }
  }

  private static final int SMOOTH = 10;

  /** Two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom (beyond: the normal 1.96). */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
      2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

  /**
   * A paired difference over seeds (this run minus the reference run, seed by seed): its mean and 95 % t-interval.
   * With one seed there is no interval (NaN bounds).
   */
  record Paired(double mean, double lo, double hi, int n) {
    static Paired of(List<Double> a, List<Double> b) {
      List<Double> d = new ArrayList<>();
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        if (Double.isFinite(a.get(i)) && Double.isFinite(b.get(i))) d.add(a.get(i) - b.get(i));
      }
      Stat st = Stat.of(d);
      if (st.n() < 2) return new Paired(st.mean(), Double.NaN, Double.NaN, st.n());
      double t = st.n() - 1 <= T975.length ? T975[st.n() - 2] : 1.96;
      double half = t * st.std() / Math.sqrt(st.n());
      return new Paired(st.mean(), st.mean() - half, st.mean() + half, st.n());
    }

    /** What the interval says: a direction when it excludes 0, else the largest difference it leaves possible. */
    String verdict() {
      if (n < 2) return "one seed: no interval";
      if (lo > 0) return "higher (the interval excludes 0)";
      if (hi < 0) return "lower (the interval excludes 0)";
      return String.format(Locale.ROOT, "no difference detectable above %.3f", Math.max(Math.abs(lo), Math.abs(hi)));
    }
  }

  private ExperimentReport() {}

  /**
   * What a report says around its numbers, whatever trained the runs.
   *
   * @param setup the markdown paragraph(s) describing data, budget and seeds
   * @param columnsNote what the metric columns mean
   * @param runs the run names in spec order
   * @param reference the run every other run is compared with, seed by seed
   * @param configs per run, the configuration it differs by (printed under "Configs")
   */
  public record Setup(String title, String question, String setup, String columnsNote, List<String> runs, String reference,
      Map<String, String> configs) {
    public Setup {
      runs = List.copyOf(runs);
      if (!runs.contains(reference)) throw new IllegalArgumentException("reference run '" + reference + "' is not one of " + runs);
    }
  }

  /** The wall-time sentence every report ends its setup with. */
  static String wallTime(double wallMinutes) {
    return String.format(Locale.ROOT, " Wall time of the whole experiment: %.1f min on 2 cores (load average %.1f at the end).",
        wallMinutes, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** The MS-CLIP experiment's setup: its data, budget, tokenizer and the analysis columns. */
  static Setup setup(ExperimentSpec spec, String dataDescription, int vocab, double wallMinutes) throws IOException {
    ExperimentSpec.Budget b = spec.budget();
    StringBuilder md = new StringBuilder();
    md.append("**Setup.** ").append(dataDescription).append(". Budget for every run: ").append(b.steps()).append(" steps of ")
        .append(b.batchSize()).append(" pairs, AdamW lr ").append(b.lr()).append(" (").append(b.warmup())
        .append(" warmup steps, cosine), weight decay ").append(b.weightDecay()).append(", gradient clip ").append(b.gradClip())
        .append("; seeds ").append(b.seeds()).append(". Tokenizer: byte-level BPE of ").append(vocab)
        .append(" tokens trained on the training captions, context ").append(spec.contextLength())
        .append(". For a given seed every run sees the same pairs in the same order and starts from weights drawn with that seed.")
        .append(" Cells are mean ± sample standard deviation over the ").append(b.seeds().size()).append(" seeds.")
        .append(wallTime(wallMinutes));
    String columns = "Columns: zero-shot top-1 with the set's prompt ensemble; retrieval R@1 text→image and image→text; "
        + "linear-probe top-1 on frozen image features; modality gap = distance between the image and caption centroids of "
        + spec.analysisPairs() + " matched test pairs (normalised embeddings), matched cos = their mean cosine; "
        + "head CKA = linear CKA between a head's token-averaged output on the images and on their captions, averaged "
        + "over heads and the blocks both modalities run; entropy gap = mean |image − text| normalised attention entropy per head.";
    ObjectMapper json = new ObjectMapper();
    Map<String, String> configs = new LinkedHashMap<>();
    for (ExperimentSpec.RunSpec run : spec.runs()) configs.put(run.name(), "`" + json.writeValueAsString(run.modelCfg()) + "`");
    List<String> runs = spec.runs().stream().map(ExperimentSpec.RunSpec::name).toList();
    return new Setup(spec.title(), spec.question(), md.toString(), columns, runs, spec.reference() == null ? runs.get(0)
        : spec.reference(), configs);
  }

  static Written write(Setup spec, List<RunResult> results, Path out) throws IOException {
    Files.createDirectories(out);
    List<String> runs = spec.runs();
    List<String> columns = new ArrayList<>(new LinkedHashSet<>(results.stream().flatMap(r -> r.metrics().keySet().stream()).toList()));
    List<Path> plots = new ArrayList<>();
    // one colour per config (mean over seeds) reads at a glance; every seed's own curve is in the second plot
    Path curves = out.resolve("curves.png");
    Map<String, double[][]> means = new LinkedHashMap<>();
    for (String run : runs) {
      List<double[]> losses = results.stream().filter(r -> r.run().equals(run)).map(RunResult::loss).toList();
      if (!losses.isEmpty()) means.put(run, smoothed(mean(losses)));
    }
    Plots.lines(curves, "training loss, mean over seeds (last " + SMOOTH + " steps)", "step", means);
    plots.add(curves);
    Path bySeed = out.resolve("curves-by-seed.png");
    Map<String, double[][]> series = new LinkedHashMap<>();
    for (RunResult r : results) series.put((runs.indexOf(r.run()) + 1) + "/" + r.seed(), smoothed(r.loss()));
    Plots.lines(bySeed, "training loss of every run (config number / seed)", "step", series);
    plots.add(bySeed);
    boolean analysed = results.stream().allMatch(r -> r.analysis() != null);
    boolean counted = results.stream().allMatch(r -> r.parameters() != null);
    if (analysed && !results.isEmpty()) {
      Path cka = out.resolve("cka.png");
      Map<String, double[][]> perLayer = new LinkedHashMap<>();
      for (String run : runs) perLayer.put(run, meanOverSeeds(results, run));
      Plots.lines(cka, "head CKA, image vs caption, per block (mean over heads, seeds)", "block", perLayer);
      plots.add(cka);
    }

    StringBuilder md = new StringBuilder();
    md.append("# ").append(spec.title()).append("\n\n");
    if (!spec.question().isEmpty()) md.append(spec.question()).append("\n\n");
    md.append(spec.setup()).append("\n\n");
    List<String> header = new ArrayList<>(List.of("run"));
    header.addAll(columns);
    if (counted) header.add("params (shared)");
    header.add("samples/s");
    List<List<String>> rows = new ArrayList<>();
    for (String run : runs) {
      List<RunResult> mine = results.stream().filter(r -> r.run().equals(run)).toList();
      if (mine.isEmpty()) continue;
      List<String> row = new ArrayList<>(List.of(run));
      for (String c : columns) row.add(Stat.of(mine.stream().map(r -> r.metrics().getOrDefault(c, Double.NaN)).toList()).format(3));
      var p = mine.get(0).parameters();
      if (counted) row.add(p.readable() ? String.format(Locale.ROOT, "%,d (%,d)", p.total(), p.shared()) : String.format(Locale.ROOT, "%,d (—)", p.total()));
      row.add(Stat.of(mine.stream().map(RunResult::samplesPerSecond).toList()).format(0));
      rows.add(row);
    }
    md.append(MarkdownTable.render(header, rows)).append('\n');
    md.append(spec.columnsNote()).append(' ');
    if (columns.contains(RunResult.POOL_P_SPREAD)) {
      md.append("pool p = the learned GeM exponent (mean over GGeM's groups), pool p spread = max − min over the groups. ");
    }
    md.append("samples/s is training throughput on a shared 2-core machine (noisy).\n\n");
    appendPaired(md, runs, spec.reference(), columns, results);
    md.append("![training loss](curves.png)\n\n");
    md.append("Every run's own curve, numbered by config (");
    for (int i = 0; i < runs.size(); i++) md.append(i == 0 ? "" : ", ").append(i + 1).append(" = ").append(runs.get(i));
    md.append("):\n\n![training loss per seed](curves-by-seed.png)\n\n");
    if (analysed) md.append("![head CKA per block](cka.png)\n\n");
    md.append("## Every run\n\n");
    List<String> perSeedHeader = new ArrayList<>(List.of("run", "seed"));
    perSeedHeader.addAll(columns);
    perSeedHeader.add("final loss");
    List<List<String>> perSeed = new ArrayList<>();
    for (RunResult r : results) {
      List<String> row = new ArrayList<>(List.of(r.run(), Long.toString(r.seed())));
      for (String c : columns) {
        Double v = r.metrics().get(c);
        row.add(v == null ? "—" : String.format(Locale.ROOT, "%.3f", v));
      }
      row.add(String.format(Locale.ROOT, "%.3f", smoothed(r.loss())[1][r.loss().length - 1]));
      perSeed.add(row);
    }
    md.append(MarkdownTable.render(perSeedHeader, perSeed)).append('\n');
    md.append("## Configs\n\n");
    ObjectMapper json = new ObjectMapper();
    for (String run : runs) {
      RunResult any = results.stream().filter(r -> r.run().equals(run)).findFirst().orElse(null);
      md.append("- **").append(run).append("**");
      if (any != null && any.parameters() != null) md.append(" — ").append(any.parameters().describe());
      md.append(": ").append(spec.configs().getOrDefault(run, "")).append("\n");
    }
    Path mdFile = out.resolve("report.md");
    Files.writeString(mdFile, md.toString(), StandardCharsets.UTF_8);
    Path jsonFile = out.resolve("results.json");
    Files.writeString(jsonFile, json.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(json, spec, results, runs, columns)) + "\n",
        StandardCharsets.UTF_8);
    return new Written(mdFile, jsonFile, plots);
  }

  /**
   * Every run against the reference run (the spec's, else the first), metric by metric: the mean over seeds of the seed-by-seed difference
   * with its 95 % t-interval, so a comparison says what the seeds can resolve rather than only whether means differ.
   */
  private static void appendPaired(StringBuilder md, List<String> runs, String ref, List<String> columns, List<RunResult> results) {
    if (runs.size() < 2) return;
    List<Long> seeds = results.stream().filter(r -> r.run().equals(ref)).map(RunResult::seed).toList();
    List<List<String>> rows = new ArrayList<>();
    for (String run : runs) {
      if (run.equals(ref)) continue;
      for (String c : columns) {
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (long seed : seeds) {
          a.add(metric(results, run, seed, c));
          b.add(metric(results, ref, seed, c));
        }
        Paired p = Paired.of(a, b);
        if (p.n() == 0) continue;
        rows.add(List.of(run, c, String.format(Locale.ROOT, "%+.3f", p.mean()),
            p.n() < 2 ? "—" : String.format(Locale.ROOT, "[%+.3f, %+.3f]", p.lo(), p.hi()), Integer.toString(p.n()), p.verdict()));
      }
    }
    md.append("## Paired differences against ").append(ref).append("\n\n")
        .append("Per seed, run minus ").append(ref).append(" (the same data order and initial draw); mean over seeds with a ")
        .append("95 % t-interval. An interval that contains 0 means the seeds cannot tell the two apart at that size.\n\n");
    md.append(MarkdownTable.render(List.of("run", "metric", "mean difference", "95 % interval", "seeds", "what the seeds say"), rows))
        .append('\n');
  }

  private static double metric(List<RunResult> results, String run, long seed, String column) {
    return results.stream().filter(r -> r.run().equals(run) && r.seed() == seed).findFirst()
        .map(r -> r.metrics().getOrDefault(column, Double.NaN)).orElse(Double.NaN);
  }

  /** Mean of the last {@link #SMOOTH} steps at each step: {steps 1..n, values}. */
  static double[][] smoothed(double[] loss) {
    double[][] xy = new double[2][loss.length];
    double sum = 0;
    for (int i = 0; i < loss.length; i++) {
      sum += loss[i];
      if (i >= SMOOTH) sum -= loss[i - SMOOTH];
      xy[0][i] = i + 1;
      xy[1][i] = sum / Math.min(i + 1, SMOOTH);
    }
    return xy;
  }

  /** Element-wise mean of equal-length curves. */
  static double[] mean(List<double[]> curves) {
    double[] out = new double[curves.get(0).length];
    for (double[] c : curves) for (int i = 0; i < out.length; i++) out[i] += c[i] / curves.size();
    return out;
  }

  /** A run's per-block head CKA averaged over its seeds, as a plot series. */
  private static double[][] meanOverSeeds(List<RunResult> results, String run) {
    List<double[][]> curves = results.stream().filter(r -> r.run().equals(run)).map(r -> r.analysis().perLayer(HeadStats::cka)).toList();
    return new double[][] {curves.get(0)[0], mean(curves.stream().map(c -> c[1]).toList())};
  }

  private static ObjectNode toJson(ObjectMapper json, Setup spec, List<RunResult> results, List<String> runs,
      List<String> columns) {
    ObjectNode root = json.createObjectNode();
    root.put("title", spec.title()).put("reference", spec.reference());
    ObjectNode summary = root.putObject("summary");
    for (String run : runs) {
      ObjectNode s = summary.putObject(run);
      List<RunResult> mine = results.stream().filter(r -> r.run().equals(run)).toList();
      if (mine.isEmpty()) continue;
      for (String c : columns) {
        Stat st = Stat.of(mine.stream().map(r -> r.metrics().getOrDefault(c, Double.NaN)).toList());
        if (st.n() == 0) continue;                                    // a metric this run does not have
        s.putObject(c).put("mean", st.mean()).put("std", st.std()).put("n", st.n());
      }
      if (mine.get(0).parameters() != null) {
        s.put("parameters", mine.get(0).parameters().total()).put("shared_parameters", mine.get(0).parameters().shared());
      }
      Stat sps = Stat.of(mine.stream().map(RunResult::samplesPerSecond).toList());
      s.putObject("samples_per_second").put("mean", sps.mean()).put("std", sps.std());
    }
    ArrayNode all = root.putArray("runs");
    for (RunResult r : results) {
      ObjectNode o = all.addObject();
      o.put("run", r.run()).put("seed", r.seed()).put("samples_per_second", r.samplesPerSecond());
      ObjectNode m = o.putObject("metrics");
      r.metrics().forEach(m::put);
      if (r.parameters() != null) {
        ObjectNode p = o.putObject("parameters");
        p.put("total", r.parameters().total()).put("shared", r.parameters().shared()).put("image", r.parameters().image())
            .put("text", r.parameters().text());
      }
      if (r.analysis() != null) {
        ArrayNode heads = o.putArray("heads");
        for (HeadStats h : r.analysis().heads()) {
          heads.addObject().put("layer", h.layer()).put("head", h.head()).put("shared", h.shared()).put("cka", h.cka())
              .put("image_entropy", h.imageEntropy()).put("text_entropy", h.textEntropy());
        }
      }
      ArrayNode loss = o.putArray("loss");
      for (double v : r.loss()) loss.add(v);
    }
    return root;
  }
}
