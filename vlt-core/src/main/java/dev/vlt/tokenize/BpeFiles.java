package dev.vlt.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Reads BPE vocabularies in the three published layouts: open_clip's merges file, vocab.json + merges.txt, tokenizer.json. */
final class BpeFiles {
  /** open_clip reads lines 1 .. 48894 of its merges file: 49152 tokens minus 256 bytes, 256 bytes + "</w>" and 2 specials. */
  static final int OPEN_CLIP_MERGES = 49152 - 256 - 2;
  static final ObjectMapper JSON = new ObjectMapper();

  private BpeFiles() {}

  /** open_clip's merges file (gzip or plain): a header line, then "left right" per line. */
  static BpeVocab openClipMerges(Path file) {
    String text = readText(file);
    List<String[]> merges = new ArrayList<>(OPEN_CLIP_MERGES);
    // the file holds 262k lines; open_clip uses only the first 48894 after the header
    int start = text.indexOf('\n') + 1;
    for (int line = 1; start > 0 && start < text.length() && line <= OPEN_CLIP_MERGES; line++) {
      int end = text.indexOf('\n', start);
      if (end < 0) end = text.length();
      String l = text.substring(start, end);
      if (!l.isBlank()) merges.add(mergeLine(l, file, line + 1));
      start = end + 1;
    }
    if (merges.isEmpty()) throw new IllegalArgumentException(file + ": no merges found (expected a header line, then one \"left right\" pair per line)");
    return BpeVocab.fromMerges(merges, file.toString());
  }

  /** transformers' layout: vocab.json (token → id) and merges.txt ("#version" header, "left right" lines). */
  static BpeVocab vocabAndMerges(Path vocabJson, Path mergesTxt) {
    JsonNode vocab = readJson(vocabJson);
    if (!vocab.isObject()) throw new IllegalArgumentException(vocabJson + ": expected a JSON object of token → id");
    Map<String, Integer> ids = idsOf(vocab, vocabJson + "");
    String[] lines = readText(mergesTxt).split("\n", -1);
    List<String[]> merges = new ArrayList<>(lines.length);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank() || i == 0 && lines[i].startsWith("#version")) continue;
      merges.add(mergeLine(lines[i], mergesTxt, i + 1));
    }
    return BpeVocab.fromIds(ids, merges, vocabJson + " + " + mergesTxt);
  }

  /** True if a tokenizer.json holds a CLIP-style BPE (model type BPE with the "</w>" end-of-word suffix). */
  static boolean isClipBpe(JsonNode tokenizerJson) {
    JsonNode model = tokenizerJson.path("model");
    return "BPE".equals(model.path("type").asText()) && BpeVocab.END_OF_WORD.equals(model.path("end_of_word_suffix").asText());
  }

  /** The Hugging Face tokenizers file of a CLIP-style BPE: model.vocab, model.merges, added_tokens. */
  static BpeVocab tokenizerJson(Path file, JsonNode root) {
    if (!isClipBpe(root)) throw new IllegalArgumentException(file + ": model is not a CLIP-style BPE (model.type BPE with end_of_word_suffix \"</w>\")");
    JsonNode model = root.path("model");
    Map<String, Integer> ids = idsOf(model.path("vocab"), file + " model.vocab");
    for (JsonNode added : root.path("added_tokens")) ids.put(added.path("content").asText(), added.path("id").asInt());
    List<String[]> merges = new ArrayList<>();
    int i = 0;
    for (JsonNode m : model.path("merges")) {
      i++;
      if (m.isArray() && m.size() == 2) merges.add(new String[] {m.get(0).asText(), m.get(1).asText()});
      else if (m.isTextual()) merges.add(mergeLine(m.asText(), file, i));
      else throw new IllegalArgumentException(file + ": model.merges[" + (i - 1) + "] is neither \"left right\" nor [left, right]");
    }
    return BpeVocab.fromIds(ids, merges, file.toString());
  }

  private static Map<String, Integer> idsOf(JsonNode vocab, String where) {
    Map<String, Integer> ids = new LinkedHashMap<>(vocab.size() * 2);
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().canConvertToInt()) throw new IllegalArgumentException(where + ": id of " + BpeVocab.quote(e.getKey()) + " is not an integer");
      ids.put(e.getKey(), e.getValue().intValue());
    }
    if (ids.isEmpty()) throw new IllegalArgumentException(where + ": the vocabulary is empty");
    return ids;
  }

  private static String[] mergeLine(String line, Path file, int lineNumber) {
    String trimmed = line.strip();
    int space = trimmed.indexOf(' ');
    String[] parts = space < 0 ? new String[] {trimmed} : new String[] {trimmed.substring(0, space), trimmed.substring(space + 1)};
    if (parts.length != 2 || parts[1].indexOf(' ') >= 0 || parts[1].isEmpty()) throw new IllegalArgumentException(file + " line " + lineNumber + ": expected two tokens \"left right\", got \"" + line + "\"");
    return parts;
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(readText(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }

  /** A UTF-8 text file, gunzipped if it starts with the gzip magic bytes (whatever its name). */
  static String readText(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length > 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
          bytes = in.readAllBytes();
        }
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
