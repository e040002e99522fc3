package dev.vlt.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.Models;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pretrained checkpoints vlt knows by name ({@code ViT-B-32:laion2b_s34b_b79k}), read from the bundled
 * {@code pretrained.json}. Tags are normalised as open_clip does (lower case, '-' → '_').
 */
public final class PretrainedRegistry {
  private static final String RESOURCE = "pretrained.json";
  private static final Set<String> ENTRY_KEYS = Set.of("repo", "quick_gelu", "mean", "std", "tokenizer");
  private static final List<PretrainedModel> ALL = read();

  private PretrainedRegistry() {}

  public static List<PretrainedModel> all() {
    return ALL;
  }

  /**
   * The checkpoint named {@code ARCH:TAG}; empty when the name is not of that form or its architecture has no
   * pretrained weights here.
   *
   * @throws IllegalArgumentException for a known architecture with an unknown tag, listing the tags it has
   */
  public static Optional<PretrainedModel> find(String name) {
    int colon = name.indexOf(':');
    if (colon <= 0 || name.startsWith("hf-hub:")) return Optional.empty();
    String arch = name.substring(0, colon);
    String tag = cleanTag(name.substring(colon + 1));
    List<String> tags = new ArrayList<>();
    for (PretrainedModel p : ALL) {
      if (!p.architecture().equals(arch)) continue;
      if (p.tag().equals(tag)) return Optional.of(p);
      tags.add(p.tag());
    }
    if (tags.isEmpty()) return Optional.empty();
    throw new IllegalArgumentException("no pretrained tag '" + tag + "' for " + arch + "; known: " + String.join(", ", tags));
  }

  static String cleanTag(String tag) {
    return tag.strip().toLowerCase(Locale.ROOT).replace('-', '_');
  }

  private static List<PretrainedModel> read() {
    try (InputStream in = PretrainedRegistry.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("the bundled " + RESOURCE + " is missing");
      return parse(new ObjectMapper().readTree(in), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled " + RESOURCE, e);
    }
  }

  /** Strict: an unknown key, an architecture vlt cannot build or a malformed repo is an error naming the entry. */
  static List<PretrainedModel> parse(JsonNode root, String where) {
    List<PretrainedModel> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> a = root.path("models").fields(); a.hasNext(); ) {
      Map.Entry<String, JsonNode> arch = a.next();
      if (!Models.registry().contains(arch.getKey())) {
        throw new IllegalArgumentException(where + ": architecture " + arch.getKey() + " is not one of vlt's " + Models.registry());
      }
      for (Iterator<Map.Entry<String, JsonNode>> t = arch.getValue().fields(); t.hasNext(); ) {
        Map.Entry<String, JsonNode> e = t.next();
        String at = where + ": " + arch.getKey() + ":" + e.getKey();
        JsonNode n = e.getValue();
        for (Iterator<String> k = n.fieldNames(); k.hasNext(); ) {
          String key = k.next();
          if (!ENTRY_KEYS.contains(key)) throw new IllegalArgumentException(at + " has unknown key '" + key + "'; known " + ENTRY_KEYS);
        }
        if (!n.path("repo").isTextual()) throw new IllegalArgumentException(at + " needs a repo");
        if (!cleanTag(e.getKey()).equals(e.getKey())) throw new IllegalArgumentException(at + ": tags are lower case with '_'");
        out.add(new PretrainedModel(arch.getKey(), e.getKey(), RepoId.parse(n.get("repo").asText()),
            n.path("quick_gelu").asBoolean(false), floats(n, "mean", PreprocessConfig.OPENAI_MEAN, at),
            floats(n, "std", PreprocessConfig.OPENAI_STD, at),
            n.hasNonNull("tokenizer") ? RepoId.parse(n.get("tokenizer").asText()) : null));
      }
    }
    return List.copyOf(out);
  }

  private static float[] floats(JsonNode n, String key, float[] def, String at) {
    JsonNode v = n.get(key);
    if (v == null) return def;
    if (!v.isArray() || v.size() != 3) throw new IllegalArgumentException(at + ": " + key + " must be 3 numbers");
    return new float[] {(float) v.get(0).asDouble(), (float) v.get(1).asDouble(), (float) v.get(2).asDouble()};
  }
}
