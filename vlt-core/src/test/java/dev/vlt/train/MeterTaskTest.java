package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.data.Batch;
import dev.vlt.data.Loader;
import dev.vlt.data.LoaderConfig;
import dev.vlt.data.Question;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.shapes.ShapesSource;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.meter.Meter;
import dev.vlt.models.meter.MeterConfig;
import dev.vlt.nn.GradCheck;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** METER's task: what collate builds for MLM, ITM and VQA, one step through every head, and whole runs of vlt train. */
@ExtendWith(OneThread.class)
class MeterTaskTest {
  static final MeterConfig TINY = Models.config("meter-tiny", MeterConfig.class);

  @Test
  void collateMasksMatchesAndAsksAndEveryHeadLearns(@TempDir Path tmp) {
    ShapesSource source = new ShapesSource(new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(32).withObjects(1, 2)),
        Split.TRAIN, 64, 0);
    Tokenizer tok = RunTokenizer.loadOrTrain(tmp, source, ShapesWorld.answers(), TINY.tokenizerSpec());
    assertTrue(tok.vocabSize() <= TINY.maskTokenId(), "the tokenizer leaves the [MASK] id free");
    try (NDManager m = NDManager.newBaseManager()) {
      Meter meter = TINY.create();
      meter.initialize(m, 1);
      MeterTask task = new MeterTask(meter, tok, Map.of(), 7, ModelWriter.NONE);
      Loader loader = new Loader(source, new EvalTransform(PreprocessConfig.openai(32)), LoaderConfig.train(16, 0).withThreads(1),
          SkipReport.quiet(), tok::tokenize);
      try (Loader.Run run = loader.open(m)) {
        Batch batch = run.next();
        MeterTask.Inputs in = task.collate(batch, m);
        long[] caption = in.caption().toLongArray();
        long[] masked = in.masked().toLongArray();
        long[] rows = in.mlmRows().toLongArray();
        long[] labels = in.mlmLabels().toLongArray();
        assertTrue(rows.length > 0);
        java.util.Set<Long> maskedRows = new java.util.HashSet<>();
        for (int k = 0; k < rows.length; k++) {
          maskedRows.add(rows[k]);
          assertEquals(caption[(int) rows[k]], labels[k], "labels are the true ids");
          assertTrue(caption[(int) rows[k]] != 0, "padding is never masked");
        }
        int replaced = 0;
        for (int i = 0; i < caption.length; i++) {
          if (masked[i] != caption[i]) {
            assertTrue(maskedRows.contains((long) i), "only chosen positions change");
            if (masked[i] == TINY.maskTokenId()) replaced++;
          }
        }
        assertTrue(replaced > 0, "most chosen tokens become [MASK]");
        long[] shown = in.itmImages().toLongArray();
        long[] match = in.itmLabels().toLongArray();
        int swapped = 0;
        for (int i = 0; i < shown.length; i++) {
          assertEquals(match[i] == 1, shown[i] == i, "label 1 exactly when the pair keeps its own image");
          if (match[i] == 0) swapped++;
        }
        assertTrue(swapped > 0 && swapped < shown.length, "some pairs, not all, see another image: " + swapped);
        long[] answers = in.answers().toLongArray();
        long[] asked = in.questionImages().toLongArray();
        int row = 0;
        for (int i = 0; i < batch.size(); i++) {
          for (Question q : batch.samples().get(i).questions()) {
            assertEquals(i, asked[row], "every question of sample " + i + ", in order, is about its image");
            assertEquals(q.answer(), TINY.answers().get((int) answers[row++]));
          }
        }
        assertEquals(answers.length, row, "no other questions");
        assertEquals(row, in.question().getShape().get(0));
        meter.train(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          LossTerms loss = task.loss(task.forward(in));
          assertEquals(List.of("itm_loss", "mlm_loss", "vqa_loss"), List.copyOf(loss.values().keySet()));
          loss.values().values().forEach(v -> assertTrue(v > 0 && Double.isFinite(v), loss.values().toString()));
          gc.backward(loss.total());
        }
        GradCheck.assertEveryParameterLearns(meter);
      }
    }
  }

  /** MFR as an optional fourth term: it needs the model's head, adds mfr_loss, and the head and the towers learn from it. */
  @Test
  void maskedFeatureRegressionIsAnOptionalTermWithItsOwnHead(@TempDir Path tmp) {
    ShapesSource source = new ShapesSource(new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(32).withObjects(1, 2)),
        Split.TRAIN, 64, 0);
    Tokenizer tok = RunTokenizer.loadOrTrain(tmp, source, ShapesWorld.answers(), TINY.tokenizerSpec());
    MeterConfig withHead = new MeterConfig(TINY.vision(), TINY.text(), TINY.fusion(), TINY.fusionCfg(), TINY.answers(),
        TINY.maskTokenId(), true);
    assertEquals(withHead, MeterConfig.fromJson(withHead.toJson(new com.fasterxml.jackson.databind.ObjectMapper())));
    try (NDManager m = NDManager.newBaseManager()) {
      Meter plain = TINY.create();
      plain.initialize(m, 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new MeterTask(plain, tok, Map.of("mfr", 1.0), 7, ModelWriter.NONE));
      assertTrue(e.getMessage().contains("\"mfr\": true"), e.getMessage());
      assertFalse(plain.namedParameters().keySet().stream().anyMatch(k -> k.startsWith("mfr_score")), "no head unless configured");
      Meter meter = withHead.create();
      meter.initialize(m, 1);
      assertTrue(meter.namedParameters().containsKey("mfr_score.weight"));
      // MFR alone: every parameter it reaches learns, the head included
      MeterTask task = new MeterTask(meter, tok, Map.of("mfr", 1.0, "itm", 0.0, "mlm", 0.0, "vqa", 0.0), 7, ModelWriter.NONE);
      Loader loader = new Loader(source, new EvalTransform(PreprocessConfig.openai(32)), LoaderConfig.train(8, 0).withThreads(1),
          SkipReport.quiet(), tok::tokenize);
      try (Loader.Run run = loader.open(m)) {
        MeterTask.Inputs in = task.collate(run.next(), m);
        meter.train(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          MeterTask.Outputs out = task.forward(in);
          float[] mask = out.mfrMask().toFloatArray();
          float masked = 0;
          for (float v : mask) masked += v;
          long n = out.mfrMask().getShape().get(1);
          assertEquals(8 * MeterTask.MFR_MASKING.count((int) n), masked, 0, "a quarter of each image's patch tokens");
          LossTerms loss = task.loss(out);
          assertEquals(List.of("mfr_loss"), List.copyOf(loss.values().keySet()));
          assertTrue(loss.values().get("mfr_loss") > 0, loss.values().toString());
          gc.backward(loss.total());
        }
        assertTrue(meter.namedParameters().get("mfr_score.weight").value().getGradient().abs().sum().getFloat() > 0);
        assertTrue(meter.namedParameters().get("vit_model.patch_embed.proj.weight").value().getGradient().abs().sum()
            .getFloat() > 0, "the visual encoder learns from MFR through the masked pass");
      }
    }
  }

  @Test
  void trainsThroughVltTrainAndItsFolderAnswersAndMatches(@TempDir Path tmp) throws IOException {
    TrainConfig cfg = Tiny.config("{'model': 'meter-tiny', 'batch_size': 8, 'steps': 2, 'train_num_samples': 16, "
        + "'shapes_objects': 2, 'zeroshot_frequency': 0, 'workers': 1, 'lr_mult': {'cross_modal': 5, 'vqa_classifier': 5}}");
    try (TrainRun run = TrainRun.create(tmp.resolve("run"), cfg)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    List<JsonNode> lines = new MetricsLog(tmp.resolve("run").resolve(TrainRun.METRICS)).read();
    JsonNode last = lines.get(lines.size() - 1);
    for (String t : List.of("itm_loss", "mlm_loss", "vqa_loss")) assertTrue(last.get(t).asDouble() > 0, last.toString());
    try (LoadedModel m = Models.load(tmp.resolve("run").resolve(TrainRun.MODEL))) {
      assertTrue(m.has(Capability.QUESTION_ANSWERING) && m.has(Capability.IMAGE_TEXT_MATCHING));
      ShapesSource source = new ShapesSource(new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(32).withObjects(1, 2)),
          Split.TRAIN, 16, 0);
      Tokenizer captionsOnly = RunTokenizer.loadOrTrain(tmp.resolve("captions-bpe"), source, List.of(), TINY.tokenizerSpec());
      String q = "how many shapes are there? is the red circle to the left of the blue star?";
      int withQuestions = m.tokenizer().encode(q).length;
      assertTrue(withQuestions < captionsOnly.encode(q).length, "the run's BPE learnt the questions' words too: " + withQuestions
          + " tokens, " + captionsOnly.encode(q).length + " with a BPE of the captions alone");
    }
    TrainConfig noMlm = Tiny.config("{'model': 'meter-tiny', 'batch_size': 8, 'steps': 1, 'train_num_samples': 8, "
        + "'zeroshot_frequency': 0, 'workers': 1, 'loss_weights': {'mlm': 0}}");
    try (TrainRun run = TrainRun.create(tmp.resolve("no-mlm"), noMlm)) {
      run.run(TrainListener.NONE);
    }
    JsonNode line = new MetricsLog(tmp.resolve("no-mlm").resolve(TrainRun.METRICS)).read().get(0);
    assertFalse(line.has("mlm_loss"), "a term of weight 0 is not computed: " + line);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainRun.create(tmp.resolve("bad"),
        Tiny.config("{'model': 'meter-tiny', 'batch_size': 8, 'steps': 1, 'loss_weights': {'itc': 1}}")));
    assertTrue(e.getMessage().contains("METER's terms are"), e.getMessage());
  }
}
