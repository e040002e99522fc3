package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Parameter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** UniVLC with the time-order term: reversed clips as negatives reach the temporal parts, still clips stay out. */
@ExtendWith(OneThread.class)
class UniVlcTaskTest {
  @Test
  void theTimeOrderTermReachesTheTimeEmbeddingAndLeavesStillClipsOut() {
    try (LoadedModel lm = Models.create("omnivl-shapes-small", 5); NDManager m = NDManager.newBaseManager()) {
      UniVlcTask task = new UniVlcTask(lm.module(), dir -> {}, Map.of(UniVlcTask.TIME_ORDER, 1.0));
      m.getEngine().setRandomSeed(7);  // unseeded noise clips once gave 0.58 on CI: three clips are a small sample
      NDArray clips = m.randomNormal(new Shape(3, 3, 8, 64, 64));
      NDArray still = m.randomNormal(new Shape(1, 3, 1, 64, 64)).repeat(2, 8);  // an image as the loader gives it
      NDArray images = clips.concat(still, 0);                                     // [4, 3, 8, 64, 64]
      NDArray tokens = m.randomInteger(1, 1000, new Shape(4, 32), DataType.INT64);
      UniclTask.UniclBatch batch = new UniclTask.UniclBatch(images, tokens, m.create(new long[] {1, 2, 3, 4}));
      Parameter timeEmbed = lm.module().namedParameters().get("visual.trunk.time_embed");
      try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        UniVlcTask.Outputs out = task.forward(batch);
        assertEquals(List.of(1f, 1f, 1f, 0f), toList(out.ordered().toFloatArray()), "the still clip has no order to reverse");
        LossTerms terms = task.loss(out);
        assertEquals(List.of("univlc_loss", "time_order_loss"), List.copyOf(terms.terms().keySet()));
        float order = terms.terms().get("time_order_loss").getFloat();
        assertTrue(Math.abs(order - Math.log(2)) < 0.15, "a fresh model barely tells a clip from its reverse: " + order);
        gc.backward(terms.terms().get("time_order_loss"));
      }
      NDArray g = timeEmbed.value().getGradient();
      assertNotNull(g);
      float gmax = g.abs().max().getFloat();
      assertTrue(gmax > 0 && Float.isFinite(gmax), "time_embed gets a gradient from the reversed clips: " + gmax);
    }
  }

  @Test
  void withoutTheWeightItIsUniVlcAloneAndUnknownWeightsAreRefused() {
    try (LoadedModel lm = Models.create("omnivl-shapes-small", 5); NDManager m = NDManager.newBaseManager()) {
      UniVlcTask plain = new UniVlcTask(lm.module(), dir -> {}, Map.of());
      NDArray images = m.randomNormal(new Shape(2, 3, 8, 64, 64));
      NDArray tokens = m.randomInteger(1, 1000, new Shape(2, 32), DataType.INT64);
      UniVlcTask.Outputs out = plain.forward(new UniclTask.UniclBatch(images, tokens, m.create(new long[] {1, 2})));
      assertEquals(List.of("univlc_loss"), List.copyOf(plain.loss(out).terms().keySet()));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new UniVlcTask(lm.module(), dir -> {}, Map.of("mlm", 1.0)));
      assertTrue(e.getMessage().contains("time_order"), e.getMessage());
    }
  }

  @Test
  void trainsOnShapesClipsWithTheTimeOrderTerm(@TempDir Path dir) throws Exception {
    TrainConfig cfg = TrainConfig.fromJson(new ObjectMapper().readTree(("{'model': 'omnivl-shapes-small', "
        + "'data': 'shapes-clips+shapes-clip-motions', 'task': 'univlc', 'batch_size': 4, 'steps': 2, 'workers': 1, "
        + "'zeroshot_frequency': 0, 'loss_weights': {'time_order': 1}}").replace('\'', '"')));
    try (TrainRun run = TrainRun.create(dir.resolve("run"), cfg)) {
      run.run(TrainListener.NONE);
      List<JsonNode> lines = run.metrics().read();
      assertEquals(2, lines.size());
      double order = lines.get(1).path("time_order_loss").asDouble(Double.NaN);
      assertTrue(order > 0 && Double.isFinite(order), lines.get(1).toString());
    }
  }

  private static List<Float> toList(float[] a) {
    List<Float> out = new java.util.ArrayList<>();
    for (float f : a) out.add(f);
    return out;
  }
}
