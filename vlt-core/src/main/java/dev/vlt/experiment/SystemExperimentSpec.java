package dev.vlt.experiment;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * An experiment over one system of {@code vlt quickstart} ({@link dev.vlt.systems.Systems}): every run is the system's
 * own training configuration with some of its model config and training settings changed, trained at every seed with the
 * same budget and data order, and scored by the system's own evaluation (its figures become the report's columns).
 *
 * <pre>{@code
 * {"title": "...", "question": "...", "system": "meter",
 *  "budget": {"seeds": [0, 1, 2, 3, 4], "steps": 600},
 *  "reference": "co-attention",
 *  "runs": [{"name": "co-attention"},
 *           {"name": "merged attention", "model_cfg": {"fusion": "merged"}},
 *           {"name": "lr x1", "train": {"lr_multipliers": {}}}]}
 * }</pre>
 *
 * {@code model_cfg} is merged into the system's model config object by object (a nested object changes only the keys it
 * names); {@code train} sets keys of the training config ({@code vlt train}'s JSON names). The seed, and so the data order
 * and initial draw, comes from the budget, never from a run.
 *
 * @param steps optimizer steps of every run; null keeps the system's quickstart budget
 * @param reference the run the others are compared with, seed by seed (default: the first)
 */
public record SystemExperimentSpec(String title, String question, String system, List<Long> seeds, Long steps,
    String reference, List<Run> runs) {

  /** One arm: what it changes in the system's model config and training settings (either may be empty). */
  public record Run(String name, ObjectNode modelCfg, ObjectNode train) {}

  public SystemExperimentSpec {
    seeds = List.copyOf(seeds);
    runs = List.copyOf(runs);
    if (seeds.isEmpty()) throw error("budget.seeds", "must list at least one seed");
    if (new HashSet<>(seeds).size() != seeds.size()) throw error("budget.seeds", "lists a seed twice: " + seeds);
    if (steps != null && steps < 1) throw error("budget.steps", "must be at least 1, got " + steps);
    if (runs.isEmpty()) throw error("runs", "must list at least one run");
    if (new HashSet<>(runs.stream().map(Run::name).toList()).size() != runs.size()) throw error("runs", "has two runs of one name");
    if (reference == null) reference = runs.get(0).name();
    String ref = reference;
    if (runs.stream().noneMatch(r -> r.name().equals(ref))) throw error("reference", "names no run: '" + reference + "'");
    if (system == null || system.isBlank()) throw error("system", "is required: a name of vlt quickstart --list");
  }

  /** Whether an experiment file is of this kind (it names a system) rather than an MS-CLIP config sweep. */
  public static boolean isSystemExperiment(JsonNode root) {
    return root != null && root.has("system");
  }

  public static SystemExperimentSpec read(java.nio.file.Path file) throws java.io.IOException {
    JsonNode root = ExperimentSpec.readJson(file);
    try {
      return fromJson(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  public static SystemExperimentSpec fromJson(JsonNode root) {
    ConfigReader r = new ConfigReader(root, "experiment");
    String title = r.getString("title", "experiment");
    String question = r.getString("question", "");
    String system = r.getString("system", null);
    if (system == null) throw error("system", "is required: a name of vlt quickstart --list");
    ConfigReader b = r.child("budget");
    List<Long> seeds = new ArrayList<>();
    JsonNode s = b.getNode("seeds");
    if (s == null) seeds.addAll(List.of(0L, 1L, 2L, 3L, 4L));
    else if (!s.isArray()) throw error("budget.seeds", "must be a list of integers, got " + s);
    else for (JsonNode v : s) seeds.add(v.asLong());
    JsonNode stepsNode = b.getNode("steps");
    b.finish();
    String reference = r.getString("reference", null);
    JsonNode list = r.getNode("runs");
    if (list == null || !list.isArray()) throw error("runs", "must be a list of {name, model_cfg, train}");
    List<Run> runs = new ArrayList<>();
    for (JsonNode run : list) {
      ConfigReader rr = new ConfigReader(run, "runs[]");
      String name = rr.getString("name", null);
      if (name == null || name.isBlank()) throw error("runs[].name", "is required");
      ObjectNode model = object(rr.getNode("model_cfg"), "runs[" + name + "].model_cfg");
      ObjectNode train = object(rr.getNode("train"), "runs[" + name + "].train");
      if (train != null && train.has("seed")) throw error("runs[" + name + "].train.seed", "comes from budget.seeds for every run");
      rr.finish();
      runs.add(new Run(name, model, train));
    }
    r.finish();
    return new SystemExperimentSpec(title, question, system, seeds, stepsNode == null ? null : stepsNode.asLong(), reference, runs);
  }

  private static ObjectNode object(JsonNode n, String where) {
    if (n == null) return null;
    if (!n.isObject()) throw error(where, "must be an object");
    return (ObjectNode) n;
  }
}
