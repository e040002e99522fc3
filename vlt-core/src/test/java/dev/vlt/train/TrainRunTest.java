package dev.vlt.train;

import dev.vlt.models.clip.Clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Parity;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A run folder from scratch, then a LiT-style fine-tune of its model with the image tower locked. */
@ExtendWith(OneThread.class)
class TrainRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void writesARunFolderAndFineTunesItsModel(@TempDir Path tmp) throws IOException {
    Path first = tmp.resolve("first");
    TrainConfig cfg = Tiny.config("{'model': 'tiny', 'batch_size': 8, 'train_num_samples': 16, 'epochs': 2}");
    try (TrainRun run = TrainRun.create(first, cfg)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    assertEquals(cfg, TrainConfig.fromJson(JSON.readTree(first.resolve(TrainRun.CONFIG).toFile())));
    List<JsonNode> lines = new MetricsLog(first.resolve(TrainRun.METRICS)).read();
    assertEquals(5, lines.size(), "an evaluation line at step 0, then steps 1-4");
    assertTrue(lines.get(4).has("test_top1") && lines.get(2).has("val_top1") && !lines.get(1).has("val_top1"));
    for (String png : List.of(RunPlots.LOSS, RunPlots.LR, RunPlots.ZEROSHOT)) {
      assertTrue(Files.size(first.resolve(TrainRun.PLOTS).resolve(png)) > 1000, png);
    }
    Path model = first.resolve(TrainRun.MODEL);
    try (LoadedModel saved = Models.load(model)) {
      assertEquals(Tiny.CONFIG.text().contextLength(), saved.tokenizer().contextLength(), "the folder carries its own tokenizer");
    }
    assertTrue(Files.exists(model.resolve("vocab.json")) && Files.exists(model.resolve("merges.txt")));
    IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> TrainRun.create(first, cfg));
    assertTrue(again.getMessage().contains("already holds a run"), again.getMessage());

    Path second = tmp.resolve("lit");
    TrainConfig lit = Tiny.config("{'pretrained': '" + model + "', 'lock_image': true, 'batch_size': 8, 'steps': 2, "
        + "'train_num_samples': 16, 'zeroshot_frequency': 0}");
    try (TrainRun run = TrainRun.create(second, lit); LoadedModel before = Models.load(model)) {
      run.run(TrainListener.NONE);
      Map<String, NDArray> visual = run.model().as(Clip.class).visual().stateDict();
      before.as(Clip.class).visual().stateDict().forEach((k, v) -> assertEquals(0.0, Parity.maxAbsDiff(v, visual.get(k)), k + " is locked"));
      assertTrue(Parity.maxAbsDiff(before.as(Clip.class).stateDict().get("text_projection"), run.model().as(Clip.class).stateDict().get("text_projection")) > 0);
    }
    assertTrue(Files.exists(second.resolve("model/vocab.json")), "the fine-tuned model keeps its tokenizer");
  }

  @Test
  void aFailedStartLeavesNothingBehind(@TempDir Path tmp) {
    Path dir = tmp.resolve("run");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainRun.create(dir, Tiny.config("{'model': 'no-such-model'}")));
    assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
    assertTrue(!Files.exists(dir), "the folder the failed start created is removed");
  }
}
