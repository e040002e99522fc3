package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.vlt.Parity;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.pacl.Pacl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code vlt train --task pacl} over a trained CLIP folder: its towers stay as they were, the folder becomes a PACL. */
@ExtendWith(OneThread.class)
class PaclTrainTest {
  @Test
  void paclOverATrainedClipFreezesItsTowersAndSavesAPaclFolder(@TempDir Path tmp) throws IOException {
    Path clipRun = tmp.resolve("clip");
    try (TrainRun run = TrainRun.create(clipRun, Tiny.config("{'model': 'tiny', 'batch_size': 8, 'steps': 2, "
        + "'train_num_samples': 16, 'zeroshot_frequency': 0}"))) {
      run.run(TrainListener.NONE);
    }
    Path clipModel = clipRun.resolve(TrainRun.MODEL);
    Path paclRun = tmp.resolve("pacl");
    try (TrainRun run = TrainRun.create(paclRun, Tiny.config("{'pretrained': '" + clipModel + "', 'task': 'pacl', "
        + "'batch_size': 8, 'steps': 3, 'train_num_samples': 16, 'zeroshot_frequency': 0}"))) {
      assertTrue(((PaclTask) run.trainer().task()).towersFrozen());
      run.run(TrainListener.NONE);
    }
    Path paclModel = paclRun.resolve(TrainRun.MODEL);
    assertTrue(Files.exists(paclModel.resolve("vocab.json")), "the PACL folder keeps the CLIP's tokenizer");
    try (LoadedModel clip = Models.load(clipModel); LoadedModel pacl = Models.load(paclModel)) {
      assertEquals("pacl", pacl.config().arch());
      assertTrue(pacl.has(Capability.SEGMENTATION));
      Map<String, NDArray> trained = pacl.as(Pacl.class).clip().stateDict();
      clip.as(Clip.class).stateDict().forEach((k, v) -> {
        if (!k.equals("logit_scale")) assertEquals(0.0, Parity.maxAbsDiff(v, trained.get(k)), k + " is frozen");
      });
      NDArray start = clip.as(Clip.class).visual().proj().value().transpose();
      NDArray linear = pacl.as(Pacl.class).embedder().stateDict().get("linear.weight");
      assertTrue(Parity.maxAbsDiff(start, linear) > 0, "the embedder trained away from CLIP's projection");
    }
  }
}
