package dev.vlt.systems;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.Models;
import dev.vlt.train.TrainRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A quickstart stage (the frozen CLIP of INDIGO, METER) is reused only when that CLIP is finished and the same. */
class StageTest {
  @Test
  void reusesOnlyAFinishedRunOfTheSameSettings(@TempDir Path dir) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode chosen = json.createObjectNode().put("model", "shapes-small").put("seed", 0L).put("steps", 300);
    ObjectNode recorded = json.createObjectNode().put("model", "shapes-small").put("seed", 0).put("steps", 300)
        .put("epochs", 8).put("lr", 1e-3);
    Files.writeString(dir.resolve(TrainRun.CONFIG), recorded.toString());
    assertFalse(Stage.finished(dir, chosen), "no model folder yet: the run did not finish");
    Files.createDirectories(dir.resolve(TrainRun.MODEL));
    Files.writeString(dir.resolve(TrainRun.MODEL).resolve(Models.WEIGHTS_FILE), "weights");
    assertTrue(Stage.finished(dir, chosen), "same settings (seed 0L and 0 alike), extra recorded settings ignored");
    assertFalse(Stage.finished(dir, chosen.deepCopy().put("seed", 1L)), "another seed");
    assertFalse(Stage.finished(dir, chosen.deepCopy().put("data", "emoji:train")), "a setting the run never recorded");
    Files.writeString(dir.resolve(TrainRun.CONFIG), "{not json");
    assertFalse(Stage.finished(dir, chosen), "an unreadable record is not a match");
  }
}
