package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.internvideo.InternVideo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * InternVideo's three stages through the Trainer on ShapesWorld clips, each from the last one's folder
 * ({@code --init-from}): {@code internvideo-mvm} moves only the masked-video backbone, {@code internvideo-vl} only the
 * video-language backbone and its caption decoder, {@code internvideo} only the cross-model attention (weight decay on,
 * so a frozen weight that the optimizer touched would show); the last folder carries the tokenizer and loads back.
 */
@ExtendWith(OneThread.class)
class InternVideoTaskTest {
  @Test
  void eachStageTrainsItsOwnPartAndNothingElse(@TempDir Path tmp) throws IOException {
    Path mvm = stage(tmp, "mvm", "internvideo-mvm", null);
    Path vl = stage(tmp, "vl", "internvideo-vl", mvm);
    Path fused = stage(tmp, "fused", "internvideo", vl);
    assertTrue(Files.exists(fused.resolve("vocab.json")), "the fused folder carries the video-language stage's tokenizer");
    try (LoadedModel fresh = Models.create("internvideo-shapes-small", 0); LoadedModel a = Models.load(mvm);
        LoadedModel b = Models.load(vl); LoadedModel c = Models.load(fused)) {
      Predicate<String> masked = k -> k.startsWith("mvm."), language = k -> k.startsWith("vl."),
          cross = k -> k.startsWith("cross_model.");
      assertMovedOnly(fresh, a, masked, "internvideo-mvm");
      assertMovedOnly(a, b, language, "internvideo-vl");
      assertMovedOnly(b, c, cross, "internvideo");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainRun.create(tmp.resolve("bad"),
        Tiny.config("{'model': 'omnivl-shapes-small', 'task': 'internvideo-mvm', 'data': 'shapes-clips', 'batch_size': 4, "
            + "'steps': 1, 'train_num_samples': 8}")));
    assertTrue(e.getMessage().contains("internvideo-mvm"), e.getMessage());
  }

  /** Runs {@code task} for two steps of four clips into {@code tmp/name}, from the model folder {@code from} (null: fresh). */
  private static Path stage(Path tmp, String name, String task, Path from) throws IOException {
    String init = from == null ? "" : "'init_from': '" + from + "', " + (task.equals("internvideo") ? "'tokenizer': '" + from + "', " : "");
    TrainConfig cfg = Tiny.config("{'model': 'internvideo-shapes-small', " + init + "'task': '" + task + "', 'data': 'shapes-clips', "
        + "'captions': 'first', 'batch_size': 4, 'steps': 2, 'train_num_samples': 8, 'zeroshot_frequency': 0, 'shapes_objects': 1, "
        + "'lr': 0.001, 'warmup': 0, 'seed': 0}");
    try (TrainRun run = TrainRun.create(tmp.resolve(name), cfg)) {
      assertTrue(run.trainer().task().module() instanceof InternVideo);
      run.run(TrainListener.NONE);
    }
    return tmp.resolve(name).resolve(TrainRun.MODEL);
  }

  /** Every weight outside {@code part} is exactly as before; some weight inside it moved. */
  private static void assertMovedOnly(LoadedModel before, LoadedModel after, Predicate<String> part, String task) {
    Map<String, NDArray> a = before.module().stateDict(), b = after.module().stateDict();
    double moved = 0;
    for (Map.Entry<String, NDArray> e : a.entrySet()) {
      float d = e.getValue().sub(b.get(e.getKey())).abs().max().getFloat();
      if (part.test(e.getKey())) moved = Math.max(moved, d);
      else assertEquals(0f, d, 0f, e.getKey() + " is frozen in " + task);
    }
    assertTrue(moved > 0, task + " moved none of its own weights");
  }
}
