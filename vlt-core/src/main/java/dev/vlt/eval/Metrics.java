package dev.vlt.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * JSON for metric records: snake_case keys (as vlt's config files), indented, map entries in insertion order. Records
 * here hold no NaN (absent values are null), so the output is strict JSON any parser reads.
 */
public final class Metrics {
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private Metrics() {}

  /** The mapper used here, for callers that read results back. */
  public static ObjectMapper mapper() {
    return JSON.copy();
  }

  public static String toJson(Object result) {
    try {
      return JSON.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + result.getClass().getSimpleName() + " to JSON", e);
    }
  }

  /** Writes {@code results} (name → metrics record) as one JSON object, creating parent folders. */
  public static void write(Path file, Map<String, ?> results) {
    try {
      if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, toJson(results) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics to " + file + ": " + e.getMessage(), e);
    }
  }
}
