package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * vlt train --task nlip on ShapesWorld with injected caption noise: the noise estimates start after the warmup epoch, are
 * written beside the model, and a run killed between checkpoints resumes with exactly the estimates and losses of the
 * uninterrupted run.
 */
@ExtendWith(OneThread.class)
class NlipTaskTest {
  /** 4 steps an epoch over 64 fixed scenes, a quarter of their captions swapped; estimates before steps 5 and 9. */
  private static final String RUN = "{'model': 'tiny', 'data': 'shapes', 'task': 'nlip', 'caption_noise': 0.25, 'batch_size': 16, "
      + "'steps': 12, 'train_num_samples': 64, 'save_frequency': 1, 'zeroshot_frequency': 0, 'workers': 1, 'log_every_n_steps': 100}";

  @Test
  void estimatesNoiseAfterTheWarmupAndResumesWithTheSameEstimates(@TempDir Path tmp) throws IOException {
    TrainConfig cfg = Tiny.config(RUN);
    List<JsonNode> whole;
    try (TrainRun run = TrainRun.create(tmp.resolve("whole"), cfg)) {
      run.run(TrainListener.NONE);
      whole = run.metrics().read();
    }
    List<String> swapped = Files.readAllLines(TrainRun.swappedIds(tmp.resolve("whole")));
    assertTrue(swapped.size() >= 10 && swapped.size() <= 16, "16 chosen, minus swaps between equal captions: " + swapped.size());
    JsonNode first = whole.get(0);
    assertTrue(first.has("contrastive_loss") && first.has("noise_reg_loss"), first.toString());
    for (int i = 0; i < 4; i++) assertEquals(0.0, whole.get(i).path("noise_reg_loss").asDouble(), 0.0, "warmup: plain CLIP");
    List<String> noise = Files.readAllLines(tmp.resolve("whole/model").resolve(NlipTask.NOISE_FILE));
    assertEquals(65, noise.size(), "a header and the 64 pairs");
    assertTrue(noise.stream().skip(1).allMatch(l -> !l.split("\t", -1)[1].isEmpty()), "every pair's loss was recorded");

    Path killed = killedResumedLikeWhole(tmp, cfg, whole);
    assertEquals(noise, Files.readAllLines(killed.resolve("model").resolve(NlipTask.NOISE_FILE)),
        "the estimates after the resume are the uninterrupted run's");
  }

  @Test
  void noiseCompletionRewritesAndResumesWithTheSameRewrites(@TempDir Path tmp) throws IOException {
    TrainConfig cfg = Tiny.config(RUN.replace("'model': 'tiny'", "'model': 'coca-tiny'").replace("'caption_noise': 0.25",
        "'caption_noise': 0.5, 'nlip_completion': true, 'nlip_concepts': 3, 'nlip_rewrite_threshold': 0.3"));
    List<JsonNode> whole;
    try (TrainRun run = TrainRun.create(tmp.resolve("whole"), cfg)) {
      run.run(TrainListener.NONE);
      whole = run.metrics().read();
    }
    assertTrue(whole.get(0).has("caption_loss") && whole.get(0).path("caption_loss").asDouble() > 0, whole.get(0).toString());
    assertEquals(0.0, whole.get(0).path("nlip_rewritten_pairs").asDouble(), 0.0, "nothing is rewritten before the first estimate");
    Path model = tmp.resolve("whole/model");
    List<String> noise = Files.readAllLines(model.resolve(NlipTask.NOISE_FILE));
    List<String> rewrites = Files.readAllLines(model.resolve(NlipTask.REWRITES_FILE));
    long above = noise.stream().skip(1).filter(l -> Double.parseDouble(l.split("\t", -1)[2]) > 0.3).count();
    assertTrue(above > 0, "some pairs are judged noisy at the last estimate");
    assertEquals(above + 1, rewrites.size(), "a header and exactly the pairs above the threshold: " + rewrites);
    for (String l : rewrites.subList(1, rewrites.size())) assertEquals(3, l.split("\t", -1)[3].split(" ").length, l);
    assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve("whole").resolve(TrainRun.CONFIG).toFile())
        .path("nlip_completion").asBoolean(), "the run folder records --noise-completion");

    // step 9's batch is collated before that step's estimate, so it trains on the rewrites restored from the checkpoint
    Path killed = killedResumedLikeWhole(tmp, cfg, whole);
    assertEquals(rewrites, Files.readAllLines(killed.resolve("model").resolve(NlipTask.REWRITES_FILE)));
  }

  @Test
  void noiseCompletionWithoutACaptionDecoderIsOneLine(@TempDir Path tmp) {
    TrainConfig cfg = Tiny.config(RUN.replace("'caption_noise': 0.25", "'caption_noise': 0.25, 'nlip_completion': true"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainRun.create(tmp.resolve("r"), cfg));
    assertTrue(e.getMessage().contains("CoCa"), e.getMessage());
  }

  @Test
  void endlessShapesWithoutFixedPairsIsOneLine(@TempDir Path tmp) {
    TrainConfig cfg = Tiny.config(RUN.replace("'caption_noise': 0.25, ", ""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainRun.create(tmp.resolve("r"), cfg));
    assertTrue(e.getMessage().contains("--caption-noise"), e.getMessage());
  }

  /**
   * The run killed after step 11 (last checkpoint at 8), resumed and finished: its losses must be the uninterrupted run's
   * step for step. Returns its folder.
   */
  private static Path killedResumedLikeWhole(Path tmp, TrainConfig cfg, List<JsonNode> whole) throws IOException {
    Path killed = tmp.resolve("killed");
    try (TrainRun run = TrainRun.create(killed, cfg)) {
      assertThrows(IllegalStateException.class, () -> run.run(ResumeHistoryTest.killedAt(11)));
    }
    try (TrainRun run = TrainRun.resume(killed)) {
      assertEquals(8, run.resumedFrom().orElseThrow().step());
      run.run(TrainListener.NONE);
    }
    List<JsonNode> resumed = new MetricsLog(killed.resolve(TrainRun.METRICS)).read();
    assertEquals(whole.stream().map(n -> n.path("loss").asDouble()).toList(), resumed.stream().map(n -> n.path("loss").asDouble()).toList());
    return killed;
  }
}
