package dev.vlt.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Finds a model folder's tokenizer, so {@code vlt} needs no flag: an explicit file, else the tokenizer files inside the folder,
 * else CLIP's default merges file from {@code $VLT_CLIP_BPE} or {@code ~/.cache/vlt/}. The context length comes from the
 * folder's {@code open_clip_config.json} ({@code model_cfg.text_cfg.context_length}, default 77).
 */
public final class Tokenizers {
  public static final String CLIP_MERGES = "bpe_simple_vocab_16e6.txt.gz";
  public static final String ENV_CLIP_BPE = "VLT_CLIP_BPE";
  public static final int DEFAULT_CONTEXT_LENGTH = 77;

  private Tokenizers() {}

  /**
   * The tokenizer of a model folder.
   *
   * @param override a tokenizer file or folder that takes precedence (null for none): a merges file (.gz or .txt), a
   *     tokenizer.json, or a folder holding vocab.json + merges.txt or tokenizer.json
   */
  public static Tokenizer forModelDir(Path modelDir, Path override) {
    return forModelDir(modelDir, override, System::getenv, Path.of(System.getProperty("user.home")));
  }

  static Tokenizer forModelDir(Path modelDir, Path override, Function<String, String> env, Path home) {
    if (!Files.isDirectory(modelDir)) throw new IllegalArgumentException("model folder " + modelDir + " does not exist");
    JsonNode textCfg = textConfig(modelDir);
    int contextLength = contextLength(textCfg, modelDir);
    boolean lowercase = "lower".equals(textCfg.path("tokenizer_kwargs").path("clean").asText());
    if (override != null) {
      if (!Files.exists(override)) throw new IllegalArgumentException("tokenizer " + override + " does not exist");
      Tokenizer t = Files.isDirectory(override) ? inFolder(override, contextLength, lowercase) : fromFile(override, contextLength, lowercase);
      if (t == null) throw new IllegalArgumentException("tokenizer folder " + override + " holds neither vocab.json + merges.txt, tokenizer.json nor " + CLIP_MERGES);
      return t;
    }
    Tokenizer own = inFolder(modelDir, contextLength, lowercase);
    if (own != null) return own;
    String hfName = textCfg.path("hf_tokenizer_name").asText("");
    if (!hfName.isEmpty()) {
      throw new IllegalArgumentException("model " + modelDir + " uses the Hugging Face tokenizer '" + hfName
          + "': put its tokenizer.json into " + modelDir + " or pass --tokenizer FILE");
    }
    return ClipBpeTokenizer.fromMergesFile(defaultClipMerges(env, home), contextLength);
  }

  /** A tokenizer file on its own: tokenizer.json (any .json), else a CLIP merges file. */
  public static Tokenizer fromFile(Path file, int contextLength, boolean lowercase) {
    String name = file.getFileName().toString();
    if (name.endsWith(".json")) {
      if (name.equals("vocab.json")) {
        Path merges = file.resolveSibling("merges.txt");
        if (!Files.exists(merges)) throw new IllegalArgumentException(file + " needs merges.txt beside it");
        return ClipBpeTokenizer.fromVocabAndMerges(file, merges, contextLength);
      }
      JsonNode parsed = BpeFiles.readJson(file);
      return BpeFiles.isClipBpe(parsed)
          ? ClipBpeTokenizer.fromTokenizerJson(file, parsed, contextLength)
          : HfTokenizer.fromTokenizerJson(file, contextLength, lowercase);
    }
    return ClipBpeTokenizer.fromMergesFile(file, contextLength);
  }

  /** The tokenizer files of a folder, or null if it has none. */
  private static Tokenizer inFolder(Path dir, int contextLength, boolean lowercase) {
    Path vocab = dir.resolve("vocab.json");
    Path merges = dir.resolve("merges.txt");
    if (Files.exists(vocab) && Files.exists(merges)) return ClipBpeTokenizer.fromVocabAndMerges(vocab, merges, contextLength);
    Path json = dir.resolve("tokenizer.json");
    if (Files.exists(json)) return fromFile(json, contextLength, lowercase);
    Path clip = dir.resolve(CLIP_MERGES);
    if (Files.exists(clip)) return ClipBpeTokenizer.fromMergesFile(clip, contextLength);
    return null;
  }

  /** CLIP's merges file: {@code $VLT_CLIP_BPE}, else {@code ~/.cache/vlt/bpe_simple_vocab_16e6.txt.gz}. */
  public static Path defaultClipMerges() {
    return defaultClipMerges(System::getenv, Path.of(System.getProperty("user.home")));
  }

  static Path defaultClipMerges(Function<String, String> env, Path home) {
    String fromEnv = env.apply(ENV_CLIP_BPE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      Path p = Path.of(fromEnv);
      if (!Files.isRegularFile(p)) throw new IllegalArgumentException(ENV_CLIP_BPE + "=" + fromEnv + " is not a file; point it at " + CLIP_MERGES);
      return p;
    }
    Path cached = home.resolve(".cache").resolve("vlt").resolve(CLIP_MERGES);
    if (Files.isRegularFile(cached)) return cached;
    throw new IllegalArgumentException("CLIP's BPE merges file " + CLIP_MERGES + " was not found: put it at " + cached
        + " (it ships with open_clip) or set " + ENV_CLIP_BPE + "=FILE or pass --tokenizer FILE");
  }

  private static JsonNode textConfig(Path modelDir) {
    Path config = modelDir.resolve("open_clip_config.json");
    if (!Files.exists(config)) return BpeFiles.JSON.createObjectNode();
    JsonNode modelCfg = BpeFiles.readJson(config).path("model_cfg");
    return modelCfg.has("msclip_cfg") ? modelCfg.get("msclip_cfg") : modelCfg.path("text_cfg");  // MS-CLIP: one config for both
  }

  private static int contextLength(JsonNode textCfg, Path modelDir) {
    JsonNode n = textCfg.path("context_length");
    if (n.isMissingNode() || n.isNull()) return DEFAULT_CONTEXT_LENGTH;
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 2) {
      throw new IllegalArgumentException(modelDir.resolve("open_clip_config.json") + ": model_cfg.text_cfg.context_length must be an integer >= 2, got " + n);
    }
    return n.asInt();
  }
}
