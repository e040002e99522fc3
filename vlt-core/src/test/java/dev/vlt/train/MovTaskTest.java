package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.vlt.Parity;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.mov.Mov;
import dev.vlt.models.omnivl.OmniVl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlt train --model mov-shapes-small --init-from OMNIVL --task mov} through the Trainer on labelled clips of two
 * motions: the OmniVL's weights come through unchanged, the flow and audio copies and the fusion train, the folder is a
 * MOV folder with the OmniVL's tokenizer; {@code mov-unfrozen} trains the starting model too; unlabelled clips are refused.
 */
@ExtendWith(OneThread.class)
class MovTaskTest {
  @Test
  void trainsCopiesAndFusionAndKeepsItsStartingModelFrozen(@TempDir Path tmp) throws IOException {
    Path omnivlRun = tmp.resolve("omnivl");
    try (TrainRun run = TrainRun.create(omnivlRun, Tiny.config("{'model': 'omnivl-shapes-small', 'data': 'shapes-clips', "
        + "'task': 'univlc', 'batch_size': 4, 'steps': 1, 'train_num_samples': 8, 'zeroshot_frequency': 0, 'shapes_objects': 1}"))) {
      run.run(TrainListener.NONE);
    }
    Path omnivl = omnivlRun.resolve(TrainRun.MODEL);
    Map<String, float[]> flowBefore = new LinkedHashMap<>();
    Path movRun = tmp.resolve("mov");
    try (TrainRun run = TrainRun.create(movRun, movConfig(omnivl, "mov", 3))) {
      Mov m = ((MovTask) run.trainer().task()).mov();
      m.flowEncoder().namedParameters().forEach((k, p) -> flowBefore.put(k, p.value().toFloatArray()));
      run.run(TrainListener.NONE);
    }
    Path model = movRun.resolve(TrainRun.MODEL);
    assertTrue(Files.exists(model.resolve("vocab.json")), "the MOV folder carries the OmniVL's tokenizer");
    try (LoadedModel start = Models.load(omnivl); LoadedModel mov = Models.load(model)) {
      assertEquals("mov", mov.config().arch());
      Mov m = mov.as(Mov.class);
      Map<String, NDArray> trained = m.start().stateDict();
      start.as(OmniVl.class).stateDict().forEach((k, v) -> assertEquals(0.0, Parity.maxAbsDiff(v, trained.get(k)), k + " is frozen"));
      assertTrue(moved(flowBefore, m.flowEncoder().stateDict()) > 0, "the flow copy trained");
      NDArray out = m.fusionParameters().get("fusion.0.attn.out_proj.weight").value();
      assertTrue(out.abs().max().getFloat() > 0, "the fusion's zero output projection trained");
    }

    Path unfrozenRun = tmp.resolve("unfrozen");
    try (TrainRun run = TrainRun.create(unfrozenRun, movConfig(omnivl, "mov-unfrozen", 2))) {
      run.run(TrainListener.NONE);
    }
    try (LoadedModel start = Models.load(omnivl); LoadedModel mov = Models.load(unfrozenRun.resolve(TrainRun.MODEL))) {
      Map<String, NDArray> trained = mov.as(Mov.class).start().stateDict();
      double moved = 0;
      for (var e : start.as(OmniVl.class).stateDict().entrySet()) moved = Math.max(moved, Parity.maxAbsDiff(e.getValue(), trained.get(e.getKey())));
      assertTrue(moved > 0, "mov-unfrozen trains the starting model too");
    }

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainRun.create(tmp.resolve("bad"),
        Tiny.config("{'model': 'mov-shapes-small', 'init_from': '" + omnivl + "', 'tokenizer': '" + omnivl + "', 'task': 'mov', "
            + "'data': 'shapes-clips', 'batch_size': 4, 'steps': 1, 'train_num_samples': 8}")));
    assertTrue(e.getMessage().contains("labelled clips"), e.getMessage());
  }

  private static TrainConfig movConfig(Path omnivl, String task, int steps) {
    return Tiny.config("{'model': 'mov-shapes-small', 'init_from': '" + omnivl + "', 'tokenizer': '" + omnivl + "', 'task': '"
        + task + "', 'data': 'shapes-clip-motions:train:move-left,grow', 'batch_size': 4, 'steps': " + steps
        + ", 'train_num_samples': 12, 'zeroshot_frequency': 0, 'shapes_objects': 1, 'lr': 0.001, 'warmup': 0, 'wd': 0}");  // no decay: only gradients move weights
  }

  private static double moved(Map<String, float[]> before, Map<String, NDArray> after) {
    double d = 0;
    for (var e : before.entrySet()) {
      float[] now = after.get(e.getKey()).toFloatArray();
      for (int i = 0; i < now.length; i++) d = Math.max(d, Math.abs(now[i] - e.getValue()[i]));
    }
    return d;
  }
}
