package dev.vlt.models.albef;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.nn.GradCheck;
import dev.vlt.models.bert.BertPredictionHead;
import dev.vlt.models.bert.BertTextEncoder;
import dev.vlt.models.fusion.CrossAttentionFusion;
import dev.vlt.objectives.AnswerLoss;
import dev.vlt.objectives.DistilledContrastiveLoss;
import dev.vlt.objectives.HardNegatives;
import dev.vlt.objectives.ItmLoss;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import dev.vlt.train.AdamW;
import dev.vlt.train.ParamGroups;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** ALBEF's configs, parts' key sets, and training steps from random weights on the fixtures' tiny configs. */
class AlbefModelTest {
  private static final Path DIR = Fixtures.fixture("albef_tiny");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void configsRoundTripAndErrorsNameTheField() throws Exception {
    AlbefRetrievalConfig r = AlbefParityTest.config();
    assertEquals(r, AlbefRetrievalConfig.fromJson(r.toJson(JSON)));
    assertEquals(8, r.queueSize());
    assertEquals(0.995, r.momentum());
    AlbefVqaConfig v = AlbefVqaParityTest.config();
    assertEquals(v, AlbefVqaConfig.fromJson(v.toJson(JSON)));
    assertError("projection_args.out_features", c -> ((ObjectNode) c.get("projection_args")).put("out_features", 8));
    assertError("similarity_args.temp", c -> ((ObjectNode) c.get("similarity_args")).put("temp", 0));
    assertError("vision_encoder_args.dropout", c -> ((ObjectNode) c.get("vision_encoder_args")).put("dropout", 0.1));
    assertError("multimodal_encoder_args.hidden_size", c -> ((ObjectNode) c.get("multimodal_encoder_args")).put("hidden_size", 16));
    assertError("config.colour", c -> ((ObjectNode) c).put("colour", 1));
    assertError("momentum", c -> ((ObjectNode) c).put("momentum", 2));
  }

  private static void assertError(String field, Consumer<JsonNode> edit) throws Exception {
    JsonNode cfg = JSON.readTree(DIR.resolve("config.json").toFile()).get("config").deepCopy();
    edit.accept(cfg);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AlbefRetrievalConfig.fromJson(cfg));
    assertTrue(e.getMessage().contains(field), e.getMessage() + " should name " + field);
  }

  /** Each part's keys equal the fixture's below that part's prefix: the parts load torchmultimodal checkpoints alone. */
  @Test
  void partsHaveTheReferenceKeys() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Set<String> retrieval = Parity.load(m, DIR.resolve("weights.safetensors")).keySet();
      Set<String> vqa = Parity.load(m, DIR.resolve("vqa").resolve("weights.safetensors")).keySet();
      AlbefRetrievalConfig r = AlbefParityTest.config();
      AlbefVqaConfig v = AlbefVqaParityTest.config();
      String albef = "model_with_similarity.albef_model.";
      assertKeys(retrieval, albef + "vision_encoder.", new VisionEncoder(r.vision()));
      assertKeys(retrieval, albef + "text_encoder.", new BertTextEncoder(r.text()));
      assertKeys(retrieval, albef + "multimodal_encoder.", new CrossAttentionFusion(r.fusion(), r.hiddenSize()));
      assertKeys(retrieval, albef + "text_encoder_m.", new BertTextEncoder(r.text()));
      assertKeys(vqa, "model.", new AlbefModel(v.vision(), v.text(), v.fusion(), 0.995));
      assertKeys(vqa, "answer_decoder.", new AnswerDecoder(v.answerEmbeddings(), v.fusion(), v.predictionHead()));
      assertKeys(vqa, "answer_decoder.prediction_head.", new BertPredictionHead(v.predictionHead()));
    }
  }

  private static void assertKeys(Set<String> reference, String prefix, Module part) {
    Set<String> want = new TreeSet<>();
    for (String k : reference) if (k.startsWith(prefix)) want.add(k.substring(prefix.length()));
    Set<String> have = new TreeSet<>(part.namedParameters().keySet());
    have.addAll(part.namedBuffers().keySet());
    assertEquals(want, have, prefix);
  }

  private static AlbefRetrieval freshRetrieval(NDManager m) throws Exception {
    AlbefRetrieval model = new AlbefRetrieval(AlbefParityTest.config());
    model.initialize(m, 11);
    model.resetMomentum();
    model.train(true);
    return model;
  }

  @Test
  void retrievalStepsFromRandomWeights() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      AlbefRetrieval model = freshRetrieval(m);
      AdamW opt = new AdamW(model.namedParameters(), ParamGroups.weightDecay(model.namedParameters(), 0.02),
          new AdamW.Hyper(0.9, 0.999, 1e-8), m);
      NDArray images = m.randomNormal(new Shape(4, 3, 32, 32));
      NDArray ids = m.create(new long[] {2, 10, 11, 3, 2, 12, 3, 0, 2, 13, 14, 3, 2, 15, 16, 3}, new Shape(4, 4));
      NDArray atts = ids.neq(0).toType(DataType.INT64, false);
      NDArray idx = m.create(new long[] {1, 2, 3, 2});
      HardNegatives.Sampler sampler = HardNegatives.seeded(5);
      Map<String, Parameter> params = model.namedParameters();
      float[] projBefore = params.get("model_with_similarity.vision_proj_m.weight").value().toFloatArray();
      for (int step = 0; step < 2; step++) {
        RetrievalOutput out;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          model.momentumUpdate();
          out = model.trainingForward(images, ids, atts, idx);
          assertEquals(new Shape(4, 4 + 8), out.simI2t().getShape());
          assertEquals(new Shape(4, 17, 32), out.online().image().getShape());
          if (step == 0) {
            // copies start equal to the online weights: both passes agree before any update
            assertTrue(out.online().multimodal().sub(out.momentum().multimodal()).abs().max().getFloat() < 1e-5);
          }
          HardNegatives.Draws draws = HardNegatives.sample(out, sampler);
          ItmOutput itm = model.matchWithNegatives(out, draws.images(), draws.texts());
          assertEquals(new Shape(12, 2), itm.logits().getShape());
          NDArray loss = DistilledContrastiveLoss.compute(out, 0.4).total().add(ItmLoss.compute(itm).total());
          gc.backward(loss);
        }
        GradCheck.assertEveryParameterLearns(model);
        opt.step(1e-3);
        dev.vlt.train.Gradients.zero(params.values());
        model.enqueue(out);
        // the batch's momentum features now sit in columns 4·step .. 4·step+3 of the queue
        NDArray queued = model.queue().images().get(":, " + 4 * step + ":" + (4 * step + 4)).transpose();
        assertArrayEquals(out.imageFeatM().toFloatArray(), queued.toFloatArray(), 0f);
        assertArrayEquals(new long[] {1, 2, 3, 2}, model.queue().ids().get(4 * step + ":" + (4 * step + 4)).toLongArray());
      }
      assertEquals(0L, model.queue().stateDict().get("queue_ptr").getLong(0), "two batches of 4 wrap a queue of 8");
      // after the optimizer moved the online weights, the next EMA moves each copy by (1 − m) of the gap
      float[] online = params.get("model_with_similarity.vision_proj.weight").value().toFloatArray();
      float[] copy = params.get("model_with_similarity.vision_proj_m.weight").value().toFloatArray();
      model.momentumUpdate();
      float[] moved = params.get("model_with_similarity.vision_proj_m.weight").value().toFloatArray();
      for (int i = 0; i < copy.length; i++) assertEquals(copy[i] + 0.005 * (online[i] - copy[i]), moved[i], 1e-6);
      assertFalse(java.util.Arrays.equals(projBefore, moved));
      assertThrows(IllegalArgumentException.class, () -> model.queue().enqueue(m.zeros(new Shape(3, 16)), m.zeros(new Shape(3, 16)),
          m.zeros(new Shape(3), DataType.INT64)), "3 does not divide the queue of 8");
    }
  }

  @Test
  void evalPathsAgreeWithTheTrainingForward() throws Exception {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      AlbefRetrieval model = freshRetrieval(m);
      model.train(false);
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      NDArray ids = m.create(new long[] {2, 10, 3, 0, 2, 12, 13, 3}, new Shape(2, 4));
      NDArray atts = ids.neq(0).toType(DataType.INT64, false);
      RetrievalOutput out = model.trainingForward(images, ids, atts, m.create(new long[] {0, 1}));
      AlbefRetrieval.Encoded img = model.encodeImage(images);
      AlbefRetrieval.Encoded txt = model.encodeText(ids, atts);
      assertArrayEquals(out.imageFeat().toFloatArray(), img.features().toFloatArray(), 1e-6f);
      assertArrayEquals(out.textFeat().toFloatArray(), txt.features().toFloatArray(), 1e-6f);
      MatchOutput match = model.match(img.embeds(), txt.embeds(), atts);
      assertArrayEquals(out.online().multimodal().toFloatArray(), match.multimodal().toFloatArray(), 1e-5f);
      float[] p = match.probability().toFloatArray();
      for (float x : p) assertTrue(x > 0 && x < 1);
      NDArray sims = out.simI2t().get(":, :2");  // the batch block, momentum = online at start: image_feat·text_featᵀ / temp
      NDArray direct = img.features().matMul(txt.features().transpose()).div(model.temp().value());
      assertTrue(sims.sub(direct).abs().max().getFloat() < 1e-4);
    }
  }

  @Test
  void vqaStepAndRankingFromRandomWeights() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      AlbefVqa model = new AlbefVqa(AlbefVqaParityTest.config());
      model.initialize(m, 12);
      model.resetMomentum();
      model.train(true);
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      NDArray question = m.create(new long[] {2, 20, 21, 3, 2, 22, 3, 0}, new Shape(2, 4));
      NDArray qAtts = question.neq(0).toType(DataType.INT64, false);
      NDArray answers = m.create(new long[] {2, 30, 3, 0, 2, 31, 32, 3, 2, 33, 3, 0}, new Shape(3, 4));
      NDArray aAtts = answers.neq(0).toType(DataType.INT64, false);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        model.momentumUpdate();
        VqaOutput out = model.trainingForward(images, question, qAtts, answers, aAtts, new long[] {2, 1});
        assertEquals(new Shape(3, 4, 100), out.scores().getShape());
        assertArrayEquals(new long[] {2, 30, 3, -100, 2, 31, 32, 3, 2, 33, 3, -100}, out.labels().toLongArray());
        gc.backward(new AnswerLoss(0.4).compute(out, m.create(new float[] {0.7f, 0.3f, 1f})).total());
      }
      GradCheck.assertEveryParameterLearns(model);
      assertThrows(IllegalArgumentException.class,
          () -> model.trainingForward(images, question, qAtts, answers, aAtts, new long[] {1, 1}));
      try (NoGrad ng = NoGrad.open()) {
        model.train(false);
        AnswerRanking r = model.rankAnswers(images, question, qAtts, answers, aAtts, 3);
        float[] probs = r.probs().toFloatArray();
        for (int q = 0; q < 2; q++) {
          assertEquals(1.0, probs[3 * q] + probs[3 * q + 1] + probs[3 * q + 2], 1e-5);
          assertTrue(probs[3 * q] >= probs[3 * q + 1] && probs[3 * q + 1] >= probs[3 * q + 2], "best first");
        }
        long[] ids = r.ids().toLongArray();
        for (int q = 0; q < 2; q++) {
          assertEquals(Set.of(0L, 1L, 2L), Set.of(ids[3 * q], ids[3 * q + 1], ids[3 * q + 2]), "k = N: every candidate once");
        }
        assertThrows(IllegalArgumentException.class, () -> model.rankAnswers(images, question, qAtts, answers, aAtts, 4));
      }
    }
  }
}
