package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.QuestionAnswering;
import dev.vlt.models.albef.AlbefRetrieval;
import dev.vlt.tensor.NoGrad;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** ALBEF's registry configs train through vlt train's one Trainer on ShapesWorld, and their folders answer the commands. */
@ExtendWith(OneThread.class)
class AlbefTasksTest {
  @Test
  void retrievalTrainsWithItsQueueAndItsFolderMatches(@TempDir Path tmp) throws IOException {
    TrainConfig cfg = Tiny.config("{'model': 'albef-shapes-small', 'batch_size': 8, 'steps': 2, 'train_num_samples': 16, "
        + "'zeroshot_frequency': 0, 'workers': 1}");
    try (TrainRun run = TrainRun.create(tmp.resolve("run"), cfg)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
      AlbefRetrieval model = run.model().as(AlbefRetrieval.class);
      assertEquals(16, model.queue().namedBuffers().get("queue_ptr").value().getLong(0), "two batches of 8 were enqueued");
      long[] ids = model.queue().ids().toLongArray();
      assertTrue(ids[0] >= 0 && ids[15] >= 0 && ids[16] == -100, "the batch's sample ids fill the queue's first slots");
      float temp = model.temp().value().getFloat();
      assertTrue(temp >= 0.001f && temp <= 0.5f, "the temperature is clamped as ALBEF does: " + temp);
    }
    List<JsonNode> lines = new MetricsLog(tmp.resolve("run").resolve(TrainRun.METRICS)).read();
    JsonNode last = lines.get(lines.size() - 1);
    assertTrue(last.get("itc_loss").asDouble() > 0 && last.get("itm_loss").asDouble() > 0, last.toString());
    try (LoadedModel m = Models.load(tmp.resolve("run").resolve(TrainRun.MODEL)); NDManager nd = NDManager.newBaseManager();
        NoGrad ng = NoGrad.open()) {
      long[][] tokens = m.tokenizer().tokenize(List.of("a red circle", "a blue star"));
      var ids = nd.create(tokens);
      var p = m.require(Capability.IMAGE_TEXT_MATCHING).matchProbability(nd.randomNormal(new Shape(2, 3, 64, 64)), ids,
          ids.neq(0).toType(DataType.INT64, false));
      for (float v : p.toFloatArray()) assertTrue(v > 0 && v < 1, "a probability: " + v);
    }
  }

  @Test
  void vqaTrainsOnShapesWorldQuestionsAndItsFolderAnswers(@TempDir Path tmp) throws IOException {
    TrainConfig cfg = Tiny.config("{'model': 'albef-vqa-shapes-small', 'batch_size': 8, 'steps': 2, 'train_num_samples': 16, "
        + "'zeroshot_frequency': 0, 'workers': 1}");
    try (TrainRun run = TrainRun.create(tmp.resolve("run"), cfg)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    List<JsonNode> lines = new MetricsLog(tmp.resolve("run").resolve(TrainRun.METRICS)).read();
    double loss = lines.get(lines.size() - 1).get("answer_loss").asDouble();
    assertTrue(loss > 0 && Double.isFinite(loss), "answer_loss " + loss);
    try (LoadedModel m = Models.load(tmp.resolve("run").resolve(TrainRun.MODEL)); NDManager nd = NDManager.newBaseManager()) {
      var ids = nd.create(m.tokenizer().tokenize(List.of("what color is the circle?")));
      List<QuestionAnswering.Answer> a = m.require(Capability.QUESTION_ANSWERING).answer(nd.randomNormal(new Shape(1, 3, 64, 64)),
          ids, ids.neq(0).toType(DataType.INT64, false), m.tokenizer());
      assertTrue(ShapesWorld.answers().contains(a.get(0).text()), a.toString());
    }
  }
}
