package dev.vlt.io.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's tokenizer in transformers' files ({@code vocab.json}, {@code merges.txt}, {@code tokenizer_config.json},
 * {@code special_tokens_map.json}), made from open_clip's merges file, so an exported folder works with
 * {@code CLIPTokenizer.from_pretrained} and with vlt's {@code Tokenizers.forModelDir}.
 */
public final class HfTokenizerFiles {
  public static final List<String> FILES = List.of("vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json",
      "special_tokens_map.json");
  private static final String SOT = "<|startoftext|>";
  private static final String EOT = "<|endoftext|>";
  /** open_clip uses the first 49152 - 256 - 2 merges of its 262k-line file (the vocabulary is 49408 tokens). */
  private static final int MERGES = 49152 - 256 - 2;

  private HfTokenizerFiles() {}

  /** Writes the four files into {@code dir} from open_clip's {@code bpe_simple_vocab_16e6.txt.gz}. */
  public static void writeClip(Path clipMergesGz, int contextLength, Path dir) throws IOException {
    List<String> merges = readMerges(clipMergesGz);
    Map<String, Integer> vocab = new LinkedHashMap<>();
    List<String> bytes = byteSymbols();
    for (String b : bytes) vocab.put(b, vocab.size());
    for (String b : bytes) vocab.put(b + "</w>", vocab.size());
    for (String m : merges) vocab.put(m.replace(" ", ""), vocab.size());
    vocab.put(SOT, vocab.size());
    vocab.put(EOT, vocab.size());
    ObjectMapper json = new ObjectMapper();
    Files.createDirectories(dir);
    HfClipFolder.writeAtomically(dir.resolve("vocab.json"), json.writeValueAsBytes(vocab));
    HfClipFolder.writeAtomically(dir.resolve("merges.txt"),
        ("#version: 0.2\n" + String.join("\n", merges) + "\n").getBytes(StandardCharsets.UTF_8));
    ObjectNode special = json.createObjectNode().put("bos_token", SOT).put("eos_token", EOT).put("unk_token", EOT)
        .put("pad_token", EOT);
    HfClipFolder.writeJson(dir.resolve("special_tokens_map.json"), special);
    ObjectNode config = special.deepCopy().put("tokenizer_class", "CLIPTokenizer").put("model_max_length", contextLength)
        .put("do_lower_case", true).put("errors", "replace");
    HfClipFolder.writeJson(dir.resolve("tokenizer_config.json"), config);
  }

  /**
   * GPT-2's reversible byte → printable character map in open_clip's order: the printable Latin-1 bytes map to
   * themselves, the other 68 to U+0100 onwards, in byte order.
   */
  static List<String> byteSymbols() {
    List<String> out = new ArrayList<>(256);
    boolean[] printable = new boolean[256];
    for (int b = 0; b < 256; b++) printable[b] = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE;
    for (int b = 0; b < 256; b++) if (printable[b]) out.add(String.valueOf((char) b));
    int next = 256;
    for (int b = 0; b < 256; b++) if (!printable[b]) out.add(String.valueOf((char) next++));
    return out;
  }

  private static List<String> readMerges(Path gz) throws IOException {
    String text;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.util.zip.ZipException e) {
      throw new IllegalArgumentException(gz + " is not a gzip file (expected open_clip's bpe_simple_vocab_16e6.txt.gz)");
    }
    String[] lines = text.split("\n");
    if (lines.length <= MERGES) {
      throw new IllegalArgumentException(gz + " has " + (lines.length - 1) + " merges; CLIP's vocabulary needs " + MERGES);
    }
    return List.of(lines).subList(1, MERGES + 1);
  }
}
