package dev.vlt.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Finds a model's tokenizer, so {@code vlt} needs no flag: an explicit file or folder, else the tokenizer files inside the
 * model folder, else CLIP's own BPE where the model's vocabulary is CLIP's (the merges file from {@code $VLT_CLIP_BPE}
 * or {@code ~/.cache/vlt/}, else CLIP's {@code vocab.json} + {@code merges.txt} fetched once from the hub). What the model
 * needs (context length, vocabulary size, a Hugging Face tokenizer name) comes from its config as a {@link TokenizerSpec}.
 */
public final class Tokenizers {
  public static final String CLIP_MERGES = "bpe_simple_vocab_16e6.txt.gz";
  public static final String ENV_CLIP_BPE = "VLT_CLIP_BPE";
  public static final int DEFAULT_CONTEXT_LENGTH = 77;

  private Tokenizers() {}

  /** The fetchers of CLIP's vocabulary on the class path (the hub's), loaded once. */
  private static final class Sources {
    static final List<ClipVocabularySource> ALL = ServiceLoader.load(ClipVocabularySource.class,
        Tokenizers.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
  }

  /**
   * The tokenizer of a model.
   *
   * @param folder the model folder, or null for a model without one (a registry model with fresh weights)
   * @param override a tokenizer file or folder that takes precedence (null for none): a merges file (.gz or .txt), a
   *     tokenizer.json, or a folder holding vocab.json + merges.txt or tokenizer.json
   * @param model how errors name the model
   */
  public static Tokenizer resolve(Path folder, TokenizerSpec spec, Path override, String model) {
    return resolve(folder, spec, override, model, System::getenv, Path.of(System.getProperty("user.home")), Sources.ALL);
  }

  /** {@link #resolve(Path, TokenizerSpec, Path, String)} with the environment, home folder and fetchers given. */
  public static Tokenizer resolve(Path folder, TokenizerSpec spec, Path override, String model, Function<String, String> env,
      Path home, List<? extends ClipVocabularySource> fetchers) {
    Tokenizer t = find(folder, spec, override, model, env, home, fetchers);
    if (t.vocabSize() > spec.vocabSize()) {
      throw new IllegalArgumentException("the tokenizer of " + model + " has " + t.vocabSize() + " tokens but the model's "
          + "vocabulary only " + spec.vocabSize() + ": it was trained with another tokenizer (pass --tokenizer FILE)");
    }
    return t;
  }

  private static Tokenizer find(Path folder, TokenizerSpec spec, Path override, String model, Function<String, String> env,
      Path home, List<? extends ClipVocabularySource> fetchers) {
    int contextLength = spec.contextLength();
    if (override != null) {
      if (!Files.exists(override)) throw new IllegalArgumentException("tokenizer " + override + " does not exist");
      Tokenizer t = Files.isDirectory(override) ? inFolder(override, contextLength, spec.lowercase())
          : fromFile(override, contextLength, spec.lowercase());
      if (t == null) throw new IllegalArgumentException("tokenizer folder " + override + " holds neither vocab.json + merges.txt, tokenizer.json nor " + CLIP_MERGES);
      return t;
    }
    if (folder != null) {
      if (!Files.isDirectory(folder)) throw new IllegalArgumentException("model folder " + folder + " does not exist");
      Tokenizer own = inFolder(folder, contextLength, spec.lowercase());
      if (own != null) return own;
    }
    if (spec.hfTokenizerName() != null) {
      throw new IllegalArgumentException("model " + model + " uses the Hugging Face tokenizer '" + spec.hfTokenizerName()
          + "': put its tokenizer.json into " + (folder != null ? folder : "the model folder") + " or pass --tokenizer FILE");
    }
    if (!spec.usesClipVocabulary()) {
      throw new IllegalArgumentException("model " + model + " has a vocabulary of " + spec.vocabSize() + " tokens (not CLIP's "
          + TokenizerSpec.CLIP_VOCAB_SIZE + ") and no tokenizer files of its own: pass --tokenizer FILE");
    }
    return clip(contextLength, env, home, fetchers);
  }

  /** CLIP's own tokenizer at {@code contextLength}: the merges file on this machine, or the vocabulary fetched once. */
  public static ClipBpeTokenizer clip(int contextLength) {
    return clip(contextLength, System::getenv, Path.of(System.getProperty("user.home")), Sources.ALL);
  }

  static ClipBpeTokenizer clip(int contextLength, Function<String, String> env, Path home, List<? extends ClipVocabularySource> fetchers) {
    Optional<Path> merges = localClipMerges(env, home);
    if (merges.isPresent()) return ClipBpeTokenizer.fromMergesFile(merges.get(), contextLength);
    List<String> why = new ArrayList<>();
    for (ClipVocabularySource f : fetchers) {
      try {
        Path dir = f.clipVocabulary();
        return ClipBpeTokenizer.fromVocabAndMerges(dir.resolve("vocab.json"), dir.resolve("merges.txt"), contextLength);
      } catch (IOException | RuntimeException e) {
        why.add(e.getMessage());
      }
    }
    throw new IllegalArgumentException("CLIP's BPE merges file " + CLIP_MERGES + " was not found"
        + (why.isEmpty() ? "" : " and its vocabulary could not be downloaded (" + String.join("; ", why) + ")")
        + ": put it at " + home.resolve(".cache").resolve("vlt").resolve(CLIP_MERGES)
        + " (it ships with open_clip) or set " + ENV_CLIP_BPE + "=FILE or pass --tokenizer FILE");
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

  /** CLIP's merges file on this machine: {@code $VLT_CLIP_BPE}, else {@code ~/.cache/vlt/bpe_simple_vocab_16e6.txt.gz}. */
  static Optional<Path> localClipMerges(Function<String, String> env, Path home) {
    String fromEnv = env.apply(ENV_CLIP_BPE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      Path p = Path.of(fromEnv);
      if (!Files.isRegularFile(p)) throw new IllegalArgumentException(ENV_CLIP_BPE + "=" + fromEnv + " is not a file; point it at " + CLIP_MERGES);
      return Optional.of(p);
    }
    Path cached = home.resolve(".cache").resolve("vlt").resolve(CLIP_MERGES);
    return Files.isRegularFile(cached) ? Optional.of(cached) : Optional.empty();
  }
}
