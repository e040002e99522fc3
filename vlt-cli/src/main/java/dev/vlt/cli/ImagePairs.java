package dev.vlt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.data.image.Raster8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The (image, text) pairs of {@code vlt match} and {@code vlt vqa}: one text asked of every IMAGE argument, or the lines
 * of a {@code --queries} file ({@code {"image": PATH, "text": ...}} per line; a relative PATH is read from the file's
 * folder, as in manifests). Each distinct image is decoded once; an unreadable one is skipped with one line on stderr,
 * together with every pair that asks about it.
 */
final class ImagePairs {
  /** A pair as the user wrote it: {@code shown} is the image path printed back. */
  record Pair(String shown, Path file, String text) {}

  /** The readable pairs in input order, their images, and how many images could not be read. */
  record Loaded(List<Pair> pairs, List<Raster8> images, int failed) {
    List<String> texts() {
      return pairs.stream().map(Pair::text).toList();
    }
  }

  private ImagePairs() {}

  /**
   * The pairs named on the command line.
   *
   * @param textFlag the flag that gives the text ("--text", "--question"); {@code key} the queries file's field for it
   */
  static List<Pair> of(List<Path> images, String text, Path queries, String textFlag, String key) throws IOException {
    boolean hasImages = images != null && !images.isEmpty();
    if (queries != null) {
      if (hasImages || text != null) {
        throw new IllegalArgumentException("--queries " + queries + " gives the pairs: pass no IMAGE arguments and no " + textFlag);
      }
      return read(queries, key);
    }
    if (text == null) throw new IllegalArgumentException("give " + textFlag + " \"...\" with IMAGE arguments, or --queries FILE");
    if (!hasImages) throw new IllegalArgumentException("no IMAGE given: name image files after " + textFlag + ", or pass --queries FILE");
    List<Pair> out = new ArrayList<>();
    for (Path p : images) out.add(new Pair(p.toString(), p, text));
    return out;
  }

  /** JSON lines of {"image": PATH, key: TEXT}; blank lines are ignored, anything else malformed is an error naming the line. */
  static List<Pair> read(Path file, String key) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--queries " + file + ": no such file");
    Path base = file.toAbsolutePath().getParent();
    List<Pair> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) continue;
      String where = file + ":" + (i + 1);
      JsonNode node;
      try {
        node = JsonLines.JSON.readTree(line);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(where + " is not a JSON object: " + e.getOriginalMessage());
      }
      if (node == null || !node.isObject()) throw new IllegalArgumentException(where + " is not a JSON object");
      JsonNode image = node.get("image");
      JsonNode text = node.get(key);
      if (image == null || !image.isTextual() || image.asText().isBlank()) {
        throw new IllegalArgumentException(where + " needs \"image\": a path to an image file");
      }
      if (text == null || !text.isTextual()) throw new IllegalArgumentException(where + " needs \"" + key + "\": a string");
      Path p = Path.of(image.asText());
      out.add(new Pair(image.asText(), p.isAbsolute() ? p : base.resolve(p), text.asText()));
    }
    if (out.isEmpty()) throw new IllegalArgumentException("--queries " + file + " holds no pairs");
    return out;
  }

  /** Decodes each distinct image once; pairs whose image cannot be read are left out (one stderr line per image). */
  static Loaded load(List<Pair> pairs) {
    Set<Path> distinct = new LinkedHashSet<>();
    for (Pair p : pairs) distinct.add(p.file());
    Images.Loaded decoded = Images.read(List.copyOf(distinct));
    Map<Path, Raster8> byFile = new LinkedHashMap<>();
    for (int i = 0; i < decoded.paths().size(); i++) byFile.put(decoded.paths().get(i), decoded.images().get(i));
    List<Pair> ok = new ArrayList<>();
    List<Raster8> images = new ArrayList<>();
    for (Pair p : pairs) {
      Raster8 r = byFile.get(p.file());
      if (r == null) continue;
      ok.add(p);
      images.add(r);
    }
    return new Loaded(ok, images, decoded.failed());
  }
}
