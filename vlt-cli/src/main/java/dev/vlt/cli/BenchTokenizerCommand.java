package dev.vlt.cli;

import dev.vlt.tokenize.ClipBpeTokenizer;
import dev.vlt.tokenize.TokenizerBench;
import dev.vlt.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlt bench tokenizer}: captions/s of the CLIP BPE tokenizer on generated captions. */
@Command(
    name = "tokenizer",
    mixinStandardHelpOptions = true,
    description = {"Tokenize generated captions with CLIP's BPE and print captions/s (warm word cache, and from an empty one).",
        "Target: at least 3x open_clip's Python tokenizer, which does about 14.7k captions/s on the reference machine."})
public final class BenchTokenizerCommand implements Callable<Integer> {
  /** open_clip v2.32's Python tokenizer on the reference machine (DESIGN.md, "Speed references"). */
  static final double OPEN_CLIP_CAPTIONS_PER_SECOND = 14_700;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "CLIP merges file (default: $VLT_CLIP_BPE or ~/.cache/vlt/bpe_simple_vocab_16e6.txt.gz).")
  Path tokenizer;

  @Option(names = "--captions", paramLabel = "N", defaultValue = "100000", description = "Number of captions (default: ${DEFAULT-VALUE}).")
  int captions;

  @Option(names = "--json", description = "Print one JSON line instead of text.")
  boolean json;

  @Override
  public Integer call() {
    if (captions < 1) throw new IllegalArgumentException("--captions must be positive, got " + captions);
    ClipBpeTokenizer tok = tokenizer != null ? ClipBpeTokenizer.fromMergesFile(tokenizer, Tokenizers.DEFAULT_CONTEXT_LENGTH)
        : Tokenizers.clip(Tokenizers.DEFAULT_CONTEXT_LENGTH);
    TokenizerBench.Result r = TokenizerBench.run(tok, captions);
    double ratio = r.captionsPerSecond() / OPEN_CLIP_CAPTIONS_PER_SECOND;
    if (json) {
      System.out.printf(Locale.ROOT, "{\"bench\": \"tokenizer\", \"captions\": %d, \"captions_per_s\": %.0f, \"fresh_cache_captions_per_s\": %.0f, "
          + "\"tokens_per_caption\": %.2f, \"vs_open_clip\": %.2f}%n", r.captions(), r.captionsPerSecond(), r.freshCacheCaptionsPerSecond(),
          r.tokensPerCaption(), ratio);
    } else {
      System.out.printf(Locale.ROOT, "tokenizer: %,.0f captions/s (%,d captions, %.1f tokens each); from an empty word cache %,.0f captions/s%n",
          r.captionsPerSecond(), r.captions(), r.tokensPerCaption(), r.freshCacheCaptionsPerSecond());
      System.out.printf(Locale.ROOT, "  %.1fx open_clip's Python tokenizer (%,.0f captions/s on the reference machine; target 3x)%n",
          ratio, OPEN_CLIP_CAPTIONS_PER_SECOND);
    }
    return 0;
  }
}
