package dev.vlt.systems;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.Models;
import dev.vlt.train.Checkpoints;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.TrainListener;
import dev.vlt.train.TrainRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A training run a quickstart needs before its own (INDIGO's frozen CLIP; PACL still trains its CLIP its own way):
 * trained once into its folder, and reused by a later quickstart or experiment arm into the same folder when it finished
 * with the same settings.
 */
final class Stage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Stage() {}

  /** The model folder of the run {@code chosen} in {@code runDir}: trained now, or reused as {@link #finished} says. */
  static Path trained(Path runDir, ObjectNode chosen, String what, Consumer<String> log) throws IOException {
    if (finished(runDir, chosen)) {
      log.accept("  " + what + ": reusing the finished run in " + runDir);
    } else {
      log.accept("  " + what + " -> " + runDir);
      train(runDir, TrainConfig.fromJson(chosen));
    }
    return runDir.resolve(TrainRun.MODEL);
  }

  /** Trains {@code cfg} into {@code runDir} to the end (a run stopped early is an error) and drops its checkpoints. */
  static Path train(Path runDir, TrainConfig cfg) throws IOException {
    try (TrainRun run = TrainRun.create(runDir, cfg)) {
      run.runToEnd(TrainListener.NONE);
    }
    Checkpoints.deleteTree(runDir.resolve(TrainRun.CHECKPOINTS));
    return runDir.resolve(TrainRun.MODEL);
  }

  /**
   * Whether {@code runDir} holds a finished run (its model folder written) whose recorded configuration has every setting of
   * {@code chosen}; settings the run resolved itself (epochs, samples per epoch) do not matter.
   */
  static boolean finished(Path runDir, ObjectNode chosen) {
    Path recorded = runDir.resolve(TrainRun.CONFIG);
    if (!Files.isRegularFile(runDir.resolve(TrainRun.MODEL).resolve(Models.WEIGHTS_FILE)) || !Files.isRegularFile(recorded)) return false;
    try {
      JsonNode run = JSON.readTree(recorded.toFile());
      for (Iterator<Map.Entry<String, JsonNode>> it = chosen.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode mine = e.getValue();
        JsonNode theirs = run.get(e.getKey());
        if (theirs == null) return false;
        boolean same = mine.isNumber() && theirs.isNumber() ? mine.decimalValue().compareTo(theirs.decimalValue()) == 0
            : mine.equals(theirs);                                        // 0L and 0 are one setting, not two JSON nodes
        if (!same) return false;
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
