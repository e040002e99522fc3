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
  void anOmniVlWithItsDecoderTrainsItByCaptioningAndTheDecoderLossReachesTimeEmbed() {
    try (LoadedModel lm = Models.create("omnivl-captioner-shapes-small", 5); NDManager m = NDManager.newBaseManager()) {
      UniVlcTask task = new UniVlcTask(lm.module(), dir -> {}, Map.of());
      m.getEngine().setRandomSeed(3);
      NDArray clips = m.randomNormal(new Shape(2, 3, 8, 64, 64));
      long[] ids = new long[2 * 32];
      System.arraycopy(new long[] {1, 40, 41, 42, 2}, 0, ids, 0, 5);
      System.arraycopy(new long[] {1, 43, 44, 2}, 0, ids, 32, 4);
      NDArray tokens = m.create(ids, new Shape(2, 32));
      Parameter timeEmbed = lm.module().namedParameters().get("visual.trunk.time_embed");
      Parameter decoderWeight = lm.module().namedParameters().entrySet().stream()
          .filter(e -> e.getKey().startsWith("text_decoder.")).findFirst().orElseThrow().getValue();
      try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        UniVlcTask.Outputs out = task.forward(new UniclTask.UniclBatch(clips, tokens, m.create(new long[] {1, 2})));
        LossTerms terms = task.loss(out);
        assertEquals(List.of("univlc_loss", "caption_loss"), List.copyOf(terms.terms().keySet()));
        float caption = terms.terms().get("caption_loss").getFloat();
        assertTrue(Math.abs(caption - Math.log(1024)) < 1.5, "a fresh decoder is near uniform over 1024 tokens: " + caption);
        gc.backward(terms.terms().get("caption_loss"));
      }
      // the caption loss alone, with every temporal_fc still zero: it reaches time_embed through the decoder reading the frames
      float g = timeEmbed.value().getGradient().abs().max().getFloat();
      assertTrue(g > 0 && Float.isFinite(g), "the caption loss reaches time_embed: " + g);
      assertTrue(decoderWeight.value().getGradient().abs().max().getFloat() > 0, "and the decoder");
    }
    try (LoadedModel dual = Models.create("omnivl-shapes-small", 5)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new UniVlcTask(dual.module(), dir -> {}, Map.of(UniVlcTask.CAPTION, 1.0)));
      assertTrue(e.getMessage().contains("decoder_cfg"), e.getMessage());
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

  @Test
  void theCaptionerTrainsWithItsDecoderAndWithCaptionZeroLeavesTheDecoderAlone(@TempDir Path dir) throws Exception {
    for (String weight : List.of("1", "0")) {
      TrainConfig cfg = TrainConfig.fromJson(new ObjectMapper().readTree(("{'model': 'omnivl-captioner-shapes-small', "
          + "'data': 'shapes-clips+shapes-clip-motions', 'task': 'univlc', 'batch_size': 4, 'steps': 2, 'workers': 1, "
          + "'zeroshot_frequency': 0, 'loss_weights': {'caption': " + weight + "}}").replace('\'', '"')));
      try (TrainRun run = TrainRun.create(dir.resolve("run" + weight), cfg)) {
        Map<String, float[]> before = decoder(run);
        run.run(TrainListener.NONE);
        List<JsonNode> lines = run.metrics().read();
        assertEquals(2, lines.size());
        boolean trained = weight.equals("1");
        assertEquals(trained, lines.get(1).has("caption_loss"), lines.get(1).toString());
        Map<String, float[]> after = decoder(run);
        boolean moved = before.keySet().stream().anyMatch(k -> !java.util.Arrays.equals(before.get(k), after.get(k)));
        assertEquals(trained, moved, "the decoder trains only with a caption weight");
      }
    }
  }

  private static Map<String, float[]> decoder(TrainRun run) {
    Map<String, float[]> out = new java.util.TreeMap<>();
    run.model().module().namedParameters().forEach((k, p) -> {
      if (k.startsWith("text_decoder.")) out.put(k, p.value().toFloatArray());
    });
    return out;
  }

  private static List<Float> toList(float[] a) {
    List<Float> out = new java.util.ArrayList<>();
    for (float f : a) out.add(f);
    return out;
  }
}
