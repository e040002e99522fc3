package dev.vlt.models.albef;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.nn.GradCheck;
import dev.vlt.objectives.AnswerLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.NoGrad;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * torchmultimodal's ALBEF VQA model on albef_tiny/vqa: answer ranking (k = 3) on the initial weights, then one training
 * forward with the distilled answer loss, and the momentum copies after both. As in the fixture's run, the inference
 * call momentum-updates the encoder copies too (torchmultimodal's ALBEFModel.forward always does), so here the encoders'
 * EMA is applied before ranking, and the whole model's before training.
 */
class AlbefVqaParityTest {
  private static final Path DIR = Fixtures.fixture("albef_tiny", "vqa");

  static AlbefVqaConfig config() throws Exception {
    return AlbefVqaConfig.fromJson(new ObjectMapper().readTree(DIR.resolve("config.json").toFile()).get("config"));
  }

  @Test
  void vqaMatchesTorchmultimodal() throws Exception {
    JsonNode fixture = new ObjectMapper().readTree(DIR.resolve("config.json").toFile());
    try (NDManager m = NDManager.newBaseManager()) {
      AlbefVqa model = new AlbefVqa(config());
      Map<String, NDArray> weights = AlbefParityTest.loadStrict(model, m, DIR, fixture);
      Map<String, NDArray> in = Parity.load(m, DIR.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = Parity.load(m, DIR.resolve("outputs.safetensors"));
      Map<String, NDArray> got = new LinkedHashMap<>();
      NDArray image = in.get("image");
      NDArray question = in.get("question");
      NDArray questionAtts = in.get("question_atts");
      NDArray answers = in.get("answers");
      NDArray answerAtts = in.get("answers_atts");

      try (NoGrad ng = NoGrad.open()) {
        model.albef().momentumUpdate();  // the reference's inference call does this as a side effect
        AnswerRanking r = model.rankAnswers(image, question, questionAtts, answers, answerAtts, fixture.get("k").asInt());
        got.put("eval.question_multimodal_embeds", r.questionStates());
        got.put("eval.first_step_prediction_scores", r.firstTokenScores());
        got.put("eval.topk_answer_prediction_scores", r.candidateScores());
        got.put("eval.topk_answer_loss", r.candidateNll());
        got.put("eval.topk_ids", r.ids());
        got.put("eval.topk_probs", r.probs());
      }

      double loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        model.momentumUpdate();
        long[] answerCounts = in.get("ans_lengths").toLongArray();
        VqaOutput out = model.trainingForward(image, question, questionAtts, answers, answerAtts, answerCounts);
        AnswerLoss objective = new AnswerLoss(fixture.get("alpha").asDouble());
        LossTerms terms = objective.compute(out, in.get("ans_weights"));
        got.put("train.question_multimodal_embeds", out.questionStates());
        got.put("train.decoder_self_attention_mask", AnswerDecoder.selfAttentionMask(answerAtts));
        got.put("train.prediction_scores", out.scores());
        got.put("train.prediction_scores_m", out.scoresM());
        got.put("train.labels", out.labels());
        got.put("train.per_answer_loss", objective.perAnswer(out));
        got.put("train.loss", terms.total());
        loss = terms.total().getFloat();
        gc.backward(terms.total());
      }
      GradCheck.assertEveryParameterLearns(model);

      Map<String, Double> worst = Parity.assertAllClose(expected, got, 1e-5);
      assertEquals(13, expected.size());
      Map<String, NDArray> after = Parity.load(m, DIR.resolve("state_after.safetensors"));
      assertEquals(182, after.size());
      double worstState = AlbefParityTest.compareState(after, weights, model.stateDict());
      System.out.printf("albef_tiny/vqa: worst |Δ| %s; loss %.6f; state after worst |Δ| %.3g over %d tensors%n", worst, loss,
          worstState, after.size());
    }
  }
}
