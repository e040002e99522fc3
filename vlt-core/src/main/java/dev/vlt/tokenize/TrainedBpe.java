package dev.vlt.tokenize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A vocabulary from {@link BpeTrainer}, written in transformers' CLIP layout so {@link ClipBpeTokenizer} (and Python's
 * CLIPTokenizer) read it back.
 *
 * @param tokens token strings in id order: bytes, bytes + "</w>", merged tokens, sot, eot
 * @param merges {left, right} in rank order
 */
public record TrainedBpe(List<String> tokens, List<String[]> merges) {
  public static final String VOCAB_FILE = "vocab.json";
  public static final String MERGES_FILE = "merges.txt";

  public int vocabSize() {
    return tokens.size();
  }

  /** Writes {@code vocab.json} and {@code merges.txt} into {@code dir} (created if needed). */
  public void save(Path dir) {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (int i = 0; i < tokens.size(); i++) vocab.put(tokens.get(i), i);
    StringBuilder mergesText = new StringBuilder("#version: 0.2\n");
    for (String[] m : merges) mergesText.append(m[0]).append(' ').append(m[1]).append('\n');
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(VOCAB_FILE), BpeFiles.JSON.writeValueAsBytes(vocab));
      Files.writeString(dir.resolve(MERGES_FILE), mergesText, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the tokenizer to " + dir + ": " + e.getMessage(), e);
    }
  }
}
