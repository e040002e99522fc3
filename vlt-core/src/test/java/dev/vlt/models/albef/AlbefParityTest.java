package dev.vlt.models.albef;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.nn.GradCheck;
import dev.vlt.objectives.DistilledContrastiveLoss;
import dev.vlt.objectives.HardNegatives;
import dev.vlt.objectives.ItmLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import dev.vlt.train.Gradients;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * torchmultimodal's ALBEF retrieval model on albef_tiny (fixtures README): the eval paths on the initial weights, then two
 * training steps run as a task would run them (momentum update, forward, ITC, hard negatives from the stored draws, ITM,
 * backward, enqueue), every stored intermediate compared, and the momentum copies and queues after the two steps. The
 * fixture's steps ran under no_grad with no optimizer, so the online weights stay as loaded: the backward pass here is
 * checked (finite, reaching the online weights and the temperature, not the momentum copies) but not applied.
 */
class AlbefParityTest {
  private static final Path DIR = Fixtures.fixture("albef_tiny");
  private static final double ALPHA = 0.4;

  static AlbefRetrievalConfig config() throws Exception {
    return AlbefRetrievalConfig.fromJson(new ObjectMapper().readTree(DIR.resolve("config.json").toFile()).get("config"));
  }

  /** Loads a fixture's weights strictly (every key, nothing extra) and checks the parameter count; returns the weights. */
  static Map<String, NDArray> loadStrict(dev.vlt.tensor.Module model, NDManager m, Path dir, JsonNode fixture) {
    Map<String, NDArray> weights = Parity.load(m, dir.resolve("weights.safetensors"));
    model.load(m, weights);
    assertEquals(weights.keySet(), model.stateDict().keySet());
    assertEquals(fixture.get("num_parameters").asLong(), model.parameterCount());
    model.train(false);
    return weights;
  }

  @Test
  void retrievalMatchesTorchmultimodal() throws Exception {
    JsonNode fixture = new ObjectMapper().readTree(DIR.resolve("config.json").toFile());
    try (NDManager m = NDManager.newBaseManager()) {
      AlbefRetrieval model = new AlbefRetrieval(config());
      Map<String, NDArray> weights = loadStrict(model, m, DIR, fixture);
      assertEquals(fixture.get("named_parameters_order").size(), model.namedParameters().size());
      int i = 0;
      for (String name : model.namedParameters().keySet()) {
        assertEquals(fixture.get("named_parameters_order").get(i++).asText(), name, "parameter order (the EMA pairs by it)");
      }
      Map<String, NDArray> in = Parity.load(m, DIR.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = Parity.load(m, DIR.resolve("outputs.safetensors"));
      Map<String, NDArray> got = new LinkedHashMap<>();
      NDArray image = in.get("image");
      NDArray text = in.get("text");
      NDArray atts = in.get("text_atts");
      NDArray idx = in.get("idx");

      try (NoGrad ng = NoGrad.open()) {
        AlbefRetrieval.Encoded img = model.encodeImage(image);
        AlbefRetrieval.Encoded txt = model.encodeText(text, atts);
        got.put("eval.image_embed", img.embeds());
        got.put("eval.image_feat", img.features());
        got.put("eval.text_embed", txt.embeds());
        got.put("eval.text_feat", txt.features());
        got.put("eval.image_text_sim", img.features().matMul(txt.features().transpose()));
        MatchOutput diag = model.match(img.embeds(), txt.embeds(), atts);
        got.put("eval.multimodal_embed_diag", diag.multimodal());
        got.put("eval.itm_logits_diag", diag.logits());
        // every (image i, text j) pair in one batch: row i·B + j
        int b = 4;
        long[] imageRows = new long[b * b];
        long[] textRows = new long[b * b];
        for (int r = 0; r < b * b; r++) {
          imageRows[r] = r / b;
          textRows[r] = r % b;
        }
        NDArray ir = m.create(imageRows);
        NDArray tr = m.create(textRows);
        MatchOutput all = model.match(img.embeds().get(new NDIndex("{}", ir)), txt.embeds().get(new NDIndex("{}", tr)),
            atts.get(new NDIndex("{}", tr)));
        got.put("eval.itm_score_matrix", all.score().reshape(b, b));
      }

      Map<String, Double> losses = new LinkedHashMap<>();
      for (int s = 0; s < 2; s++) {
        String p = "step" + s + ".";
        putQueue(got, p + "before.", model.queue());
        RetrievalOutput out;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          model.momentumUpdate();
          out = model.trainingForward(image, text, atts, idx);
          LossTerms itc = DistilledContrastiveLoss.compute(out, ALPHA);
          long[] drawn = concat(expected.get(p + "neg_image_idx").toLongArray(), expected.get(p + "neg_text_idx").toLongArray());
          HardNegatives.Draws draws = HardNegatives.sample(out, replay(drawn));
          ItmOutput itm = model.matchWithNegatives(out, draws.images(), draws.texts());
          LossTerms itmLoss = ItmLoss.compute(itm);
          NDArray loss = itc.total().add(itmLoss.total());

          got.put(p + "image_embeds", out.online().image());
          got.put(p + "text_embeds", out.online().text());
          got.put(p + "multimodal_embeds", out.online().multimodal());
          got.put(p + "image_embeds_m", out.momentum().image());
          got.put(p + "text_embeds_m", out.momentum().text());
          got.put(p + "multimodal_embeds_m", out.momentum().multimodal());
          got.put(p + "image_feat", out.imageFeat());
          got.put(p + "text_feat", out.textFeat());
          got.put(p + "image_feat_m", out.imageFeatM());
          got.put(p + "text_feat_m", out.textFeatM());
          got.put(p + "sim_i2t", out.simI2t());
          got.put(p + "sim_t2i", out.simT2i());
          got.put(p + "sim_i2t_m", out.simI2tM());
          got.put(p + "sim_t2i_m", out.simT2iM());
          got.put(p + "sim_targets", DistilledContrastiveLoss.targets(out.idx(), out.queueIds()));
          got.put(p + "itc_loss", itc.total());
          got.put(p + "neg_weights_i2t", draws.weightsI2t());
          got.put(p + "neg_weights_t2i", draws.weightsT2i());
          got.put(p + "neg_image_idx", m.create(draws.images()));
          got.put(p + "neg_text_idx", m.create(draws.texts()));
          got.put(p + "neg.mm_text_input", itm.negativeText());
          got.put(p + "neg.mm_text_atts", itm.negativeTextAtts());
          got.put(p + "neg.mm_image_input", itm.negativeImage());
          got.put(p + "multimodal_embeds_neg", itm.negativeMultimodal());
          got.put(p + "itm_input_cls", itm.cls());
          got.put(p + "itm_logits", itm.logits());
          got.put(p + "itm_labels", ItmLoss.labels(m, 12, itm.positives()));
          got.put(p + "itm_loss", itmLoss.total());
          got.put(p + "loss", loss);
          losses.put(p + "itc_loss", (double) itc.total().getFloat());
          losses.put(p + "itm_loss", (double) itmLoss.total().getFloat());
          gc.backward(loss);
        }
        checkGradients(model);
        Gradients.zero(model.namedParameters().values());
        model.enqueue(out);
        putQueue(got, p + "after.", model.queue());
      }

      Map<String, Double> worst = new TreeMap<>();
      Parity.assertAllClose(expected, got, 1e-5).forEach((name, err) -> worst.merge(group(name), err, Math::max));
      assertEquals(82, expected.size());
      // the state after two steps: every tensor the forwards changed (momentum copies and queues), nothing else moved
      Map<String, NDArray> after = Parity.load(m, DIR.resolve("state_after_2_steps.safetensors"));
      assertEquals(126, after.size());
      double worstState = compareState(after, weights, model.stateDict());
      System.out.printf("albef_tiny retrieval: %d outputs; worst |Δ| per group %s; state after 2 steps worst |Δ| %.3g "
          + "over %d tensors; losses %s%n", expected.size(), worst, worstState, after.size(), losses);
    }
  }

  /** Gradients reach every online parameter and the temperature, finite, and never the frozen momentum copies. */
  private static void checkGradients(AlbefRetrieval model) {
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      assertEquals(e.getKey().contains("_m."), e.getValue().isFrozen(), e.getKey() + ": frozen iff a momentum copy");
    }
    assertEquals(126, GradCheck.assertEveryParameterLearns(model), "online parameters, temp and itm_head included");
  }

  private static void putQueue(Map<String, NDArray> got, String prefix, FeatureQueue q) {
    Map<String, NDArray> sd = q.stateDict();
    sd.forEach((k, v) -> got.put(prefix + k, v.duplicate()));
  }

  /** The stored torch.multinomial draws, handed out in the order ALBEF draws them. */
  static HardNegatives.Sampler replay(long[] draws) {
    int[] next = {0};
    return w -> (int) draws[next[0]++];
  }

  private static long[] concat(long[] a, long[] b) {
    long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * The state after the steps: each tensor of {@code after} (those the steps changed) matches, the steps moved them by
   * more than the tolerance (so the comparison can fail), and every other tensor still equals its initial value. Returns
   * the worst |Δ|.
   */
  static double compareState(Map<String, NDArray> after, Map<String, NDArray> initial, Map<String, NDArray> state) {
    double worst = 0;
    double moved = 0;
    for (Map.Entry<String, NDArray> e : after.entrySet()) {
      NDArray actual = state.get(e.getKey());
      if (e.getValue().getDataType() == DataType.INT64) {
        assertArrayEquals(e.getValue().toLongArray(), actual.toLongArray(), e.getKey());
      } else {
        worst = Math.max(worst, Parity.assertClose(e.getKey(), e.getValue(), actual, 1e-5));
        moved = Math.max(moved, Parity.maxAbsDiff(initial.get(e.getKey()), e.getValue()));
      }
    }
    assertTrue(moved > 1e-3, "the steps moved the state by only " + moved + ": the comparison would show nothing");
    for (Map.Entry<String, NDArray> e : initial.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        assertEquals(0.0, Parity.maxAbsDiff(e.getValue(), state.get(e.getKey())), e.getKey() + " changed");
      }
    }
    return worst;
  }

  private static String group(String name) {
    String n = name.replaceFirst("^step\\d\\.", "step.");
    if (n.startsWith("eval.")) return "eval";
    if (n.contains("queue")) return "queues";
    if (n.endsWith("loss")) return "losses (relative)";
    if (n.contains("neg")) return "negatives";
    if (n.contains("itm")) return "itm";
    if (n.contains("sim")) return "similarities";
    if (n.contains("feat")) return "features";
    return "embeddings";
  }
}
