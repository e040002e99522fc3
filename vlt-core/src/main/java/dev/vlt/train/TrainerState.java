package dev.vlt.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.Loader;
import dev.vlt.models.ConfigReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The trainer's side of a checkpoint ({@code trainer.json}); with the weights and the optimizer moments it is everything
 * a resumed run needs. The schedule is a function of {@code step}, and every random draw of a step comes from a generator
 * seeded by ({@code seed}, step), so the seed and the step are the whole RNG state.
 *
 * @param step optimizer steps completed
 * @param position where the next batch starts
 * @param adamStep the optimizer's own step count (bias correction)
 */
public record TrainerState(long step, Loader.Position position, long seed, long adamStep, long samplesSeen,
    double elapsedSeconds) {
  static final String FORMAT = "vlt-trainer-state";
  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public void write(Path file) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", FORMAT).put("version", VERSION).put("step", step).put("epoch", position.epoch())
        .put("index", position.index()).put("seed", seed).put("adam_step", adamStep).put("samples_seen", samplesSeen)
        .put("elapsed_seconds", elapsedSeconds);
    Files.writeString(file, JSON.writeValueAsString(o) + "\n");
  }

  public static TrainerState read(Path file) throws IOException {
    JsonNode n;
    try {
      n = JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
    ConfigReader r = new ConfigReader(n, file.getFileName().toString());
    if (!FORMAT.equals(r.getString("format", null)) || r.getInt("version", -1) != VERSION) {
      throw new IllegalArgumentException(file + " is not a " + FORMAT + " version " + VERSION + " file");
    }
    TrainerState s = new TrainerState(longField(r, "step"),
        new Loader.Position(r.getInt("epoch", 0), longField(r, "index")), longField(r, "seed"),
        longField(r, "adam_step"), longField(r, "samples_seen"), r.getDouble("elapsed_seconds", 0));
    r.finish();
    return s;
  }

  private static long longField(ConfigReader r, String key) {
    JsonNode v = r.getNode(key);
    if (v == null || !v.canConvertToLong()) throw ConfigReader.error(key, "must be an integer, got " + v);
    return v.asLong();
  }
}
