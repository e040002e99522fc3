package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vlt.Parity;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.indigo.Indigo;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlt train --task indigo} over a trained CLIP folder on styled emoji: the CLIP's weights are unchanged after the
 * steps, the ViT's are not, the prompts' anchors are the frozen text tower's, and the folder is an INDIGO folder.
 */
@ExtendWith(OneThread.class)
class IndigoTrainTest {
  @Test
  void indigoOverATrainedClipKeepsItFrozenAndSavesAnIndigoFolder(@TempDir Path tmp) throws IOException {
    Path clipRun = tmp.resolve("clip");
    try (TrainRun run = TrainRun.create(clipRun, Tiny.config("{'model': 'tiny', 'batch_size': 8, 'steps': 2, "
        + "'train_num_samples': 16, 'zeroshot_frequency': 0}"))) {
      run.run(TrainListener.NONE);
    }
    Path clipModel = clipRun.resolve(TrainRun.MODEL);
    Path indigoRun = tmp.resolve("indigo");
    Map<String, float[]> start = new java.util.LinkedHashMap<>();
    try (TrainRun run = TrainRun.create(indigoRun, Tiny.config("{'pretrained': '" + clipModel + "', 'task': 'indigo', "
        + "'data': 'emoji-styles:test:original,sketch', 'train_num_samples': 752, 'batch_size': 8, 'steps': 3, 'zeroshot_frequency': 0}"))) {
      Indigo m = ((IndigoTask) run.trainer().task()).indigo();
      m.vit().namedParameters().forEach((k, p) -> start.put(k, p.value().toFloatArray()));
      run.run(TrainListener.NONE);
    }
    Path model = indigoRun.resolve(TrainRun.MODEL);
    assertTrue(Files.exists(model.resolve("vocab.json")), "the INDIGO folder keeps the CLIP's tokenizer");
    try (LoadedModel clip = Models.load(clipModel); LoadedModel indigo = Models.load(model)) {
      assertEquals("indigo", indigo.config().arch());
      assertTrue(indigo.has(Capability.CLASSIFICATION));
      Indigo m = indigo.as(Indigo.class);
      assertEquals(9, m.classNames().size());
      assertEquals(List.of("original", "sketch"), m.config().domains());
      Map<String, NDArray> trained = m.clip().stateDict();
      clip.as(Clip.class).stateDict().forEach((k, v) -> assertEquals(0.0, Parity.maxAbsDiff(v, trained.get(k)), k + " is frozen"));
      double moved = 0;
      for (var e : m.vit().namedParameters().entrySet()) {
        float[] now = e.getValue().value().toFloatArray();
        for (int i = 0; i < now.length; i++) moved = Math.max(moved, Math.abs(now[i] - start.get(e.getKey())[i]));
      }
      assertTrue(moved > 0, "the ViT trained");
      // the anchors are the frozen text tower's normalised embeddings of the class × domain prompts
      try (NDManager nm = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
        NDArray ids = nm.create(indigo.tokenizer().tokenize(m.config().prompts()));
        NDArray expected = Ops.l2Normalize(m.clip().textFeatures(ids, Trace.NONE));
        assertEquals(18, m.textAnchors().getShape().get(0));
        assertTrue(Parity.maxAbsDiff(expected, m.textAnchors()) < 1e-5);
      }
    }
    // data without domains is refused in one line
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainRun.create(tmp.resolve("bad"),
        Tiny.config("{'pretrained': '" + clipModel + "', 'task': 'indigo', 'data': 'emoji:test', 'train_num_samples': 376, 'steps': 1}")));
    assertTrue(e.getMessage().contains("domains"), e.getMessage());
  }
}
