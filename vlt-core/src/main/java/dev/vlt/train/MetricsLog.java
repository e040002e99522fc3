package dev.vlt.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run's {@code metrics.jsonl}: one JSON object per line, each with a "step". On resume, lines past the checkpoint's
 * step (written by the interrupted run after its last checkpoint) are dropped, so the file reads as one uninterrupted run.
 */
public final class MetricsLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  public MetricsLog(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public void append(Map<String, Object> line) {
    try {
      Files.writeString(file, JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
    }
  }

  /** Every line, parsed; a torn last line (the process died mid-write) is ignored. */
  public List<JsonNode> read() {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(file)) return out;
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) continue;
        try {
          out.add(JSON.readTree(lines.get(i)));
        } catch (IOException e) {
          if (i < lines.size() - 1) throw new IllegalArgumentException(file + " line " + (i + 1) + " is not JSON: " + e.getMessage());
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Keeps only lines with step &lt;= {@code step}, rewriting the file atomically. */
  public void truncateAfter(long step) {
    List<JsonNode> keep = read().stream().filter(n -> n.path("step").asLong() <= step).toList();
    try {
      StringBuilder text = new StringBuilder();
      for (JsonNode n : keep) text.append(JSON.writeValueAsString(n)).append('\n');
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + file + ": " + e.getMessage(), e);
    }
  }
}
