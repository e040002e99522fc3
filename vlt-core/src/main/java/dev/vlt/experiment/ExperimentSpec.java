package dev.vlt.experiment;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.msclip.MsClipConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * An experiment file: several model configs trained on the same data with the same budget and seeds, then evaluated the
 * same way. Every run is an MS-CLIP {@code model_cfg}: the {@code base} object with the run's {@code msclip_cfg} fields
 * laid over it (vanilla CLIP is the run with {@code "shared_layers": []}). {@code vocab_size} and {@code context_length}
 * come from the tokenizer the harness trains on the training captions, so the file must not set them.
 *
 * @param question what the experiment asks, printed at the top of the report
 * @param reference the run every other run is compared with seed by seed; null: the first
 */
public record ExperimentSpec(String title, String question, DataSpec data, Budget budget, int vocabSize, int contextLength,
    int analysisPairs, List<RunSpec> runs, String reference) {

  /** The training data and its evaluation set: "shapes" (ShapesWorld) or "emoji" (the Noto emoji pairs). */
  public record DataSpec(String name, int minObjects, int maxObjects, int evalImages) {
    public DataSpec {
      if (!name.equals("shapes") && !name.equals("emoji")) throw error("data.name", "must be shapes or emoji, got '" + name + "'");
      if (evalImages < 10) throw error("data.eval_images", "must be at least 10, got " + evalImages);
    }
  }

  /** Identical for every run: optimizer steps, batch, seeds, AdamW with a warmup + cosine schedule. */
  public record Budget(int steps, int batchSize, List<Long> seeds, double lr, int warmup, double weightDecay, double gradClip) {
    public Budget {
      seeds = List.copyOf(seeds);
      if (steps < 1) throw error("budget.steps", "must be at least 1, got " + steps);
      if (batchSize < 2) throw error("budget.batch_size", "must be at least 2 (a contrastive batch needs negatives), got " + batchSize);
      if (seeds.isEmpty()) throw error("budget.seeds", "must list at least one seed");
      if (new HashSet<>(seeds).size() != seeds.size()) throw error("budget.seeds", "lists a seed twice: " + seeds);
      if (!(lr > 0)) throw error("budget.lr", "must be positive, got " + lr);
      if (warmup < 0 || warmup >= steps) throw error("budget.warmup", "must be in 0.." + (steps - 1) + ", got " + warmup);
    }
  }

  /** @param modelCfg the run's complete {@code model_cfg}, less vocab_size and context_length */
  public record RunSpec(String name, JsonNode modelCfg) {}

  public ExperimentSpec {
    runs = List.copyOf(runs);
    if (runs.isEmpty()) throw error("runs", "must list at least one model");
    if (new HashSet<>(runs.stream().map(RunSpec::name).toList()).size() != runs.size()) throw error("runs", "has two runs of one name");
    if (analysisPairs < 2) throw error("analysis_pairs", "must be at least 2, got " + analysisPairs);
    if (reference != null && runs.stream().noneMatch(r -> r.name().equals(reference))) {
      throw error("reference", "names no run: '" + reference + "'");
    }
  }

  /** The run's config with the tokenizer's vocabulary and context filled in; validates it as an MS-CLIP config. */
  public MsClipConfig modelConfig(RunSpec run, int tokenizerVocab) {
    ObjectNode cfg = run.modelCfg().deepCopy();
    ((ObjectNode) cfg.get("msclip_cfg")).put("vocab_size", tokenizerVocab).put("context_length", contextLength);
    try {
      return MsClipConfig.fromJson(cfg);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("run '" + run.name() + "': " + e.getMessage(), e);
    }
  }

  public static ExperimentSpec read(Path file) throws IOException {
    JsonNode root = readJson(file);
    try {
      return fromJson(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** An experiment file's JSON object, or one clear error (missing file, not JSON, not an object). */
  public static JsonNode readJson(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("experiment file " + file + " does not exist");
    try {
      JsonNode root = new ObjectMapper().readTree(file.toFile());
      if (root == null || !root.isObject()) throw new IllegalArgumentException(file + " does not hold a JSON object");
      return root;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  public static ExperimentSpec fromJson(JsonNode root) {
    ConfigReader r = new ConfigReader(root, "experiment");
    String title = r.getString("title", "experiment");
    String question = r.getString("question", "");
    ConfigReader d = r.child("data");
    DataSpec data = new DataSpec(d.getString("name", "shapes"), d.getInt("min_objects", 1), d.getInt("max_objects", 2),
        d.getInt("eval_images", 200));
    d.finish();
    ConfigReader b = r.child("budget");
    List<Long> seeds = new ArrayList<>();
    JsonNode s = b.getNode("seeds");
    if (s == null) seeds.addAll(List.of(0L, 1L, 2L));
    else if (!s.isArray()) throw error("budget.seeds", "must be a list of integers, got " + s);
    else for (JsonNode v : s) seeds.add(v.asLong());
    Budget budget = new Budget(b.getInt("steps", 300), b.getInt("batch_size", 32), seeds, b.getDouble("lr", 5e-4),
        b.getInt("warmup", 30), b.getDouble("weight_decay", 0.1), b.getDouble("grad_clip", 1.0));
    b.finish();
    ConfigReader t = r.child("tokenizer");
    int vocab = t.getInt("vocab_size", 1000);
    int ctx = t.getInt("context_length", 24);
    t.finish();
    int pairs = r.getInt("analysis_pairs", 128);
    JsonNode base = r.getNode("base");
    if (base == null || !base.isObject() || !base.has("msclip_cfg")) throw error("base", "must be a model_cfg object with msclip_cfg");
    for (String fixed : List.of("vocab_size", "context_length")) {
      if (base.get("msclip_cfg").has(fixed)) throw error("base.msclip_cfg." + fixed, "is set from the trained tokenizer; set tokenizer." + fixed + " instead");
    }
    List<RunSpec> runs = new ArrayList<>();
    JsonNode list = r.getNode("runs");
    if (list == null || !list.isArray()) throw error("runs", "must be a list of {name, msclip_cfg}");
    for (JsonNode run : list) runs.add(run(base, run));
    String reference = r.getString("reference", null);
    r.finish();
    return new ExperimentSpec(title, question, data, budget, vocab, ctx, pairs, runs, reference);
  }

  private static RunSpec run(JsonNode base, JsonNode run) {
    ConfigReader rr = new ConfigReader(run, "runs[]");
    String name = rr.getString("name", null);
    if (name == null || name.isBlank()) throw error("runs[].name", "is required");
    ObjectNode cfg = base.deepCopy();
    JsonNode over = rr.getNode("msclip_cfg");
    if (over != null) {
      if (!over.isObject()) throw error("runs[" + name + "].msclip_cfg", "must be an object");
      for (String fixed : List.of("vocab_size", "context_length")) {
        if (over.has(fixed)) throw error("runs[" + name + "].msclip_cfg." + fixed, "is set from the trained tokenizer");
      }
      ((ObjectNode) cfg.get("msclip_cfg")).setAll((ObjectNode) over);
    }
    rr.finish();
    return new RunSpec(name, cfg);
  }
}
