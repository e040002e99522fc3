package dev.vlt.models.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.objectives.ContrastiveLoss;
import dev.vlt.tensor.Parameter;
import dev.vlt.train.AdamW;
import dev.vlt.train.ParamGroups;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One open_clip training step: loss, every gradient, AdamW with open_clip's decay groups, updated weights and state. */
class ClipTrainStepTest {
  private static final Path STEP = Fixtures.fixture("clip_train_step");
  private static final Path TINY = Fixtures.fixture("clip_vit_tiny");

  private static Clip model(NDManager m) throws Exception {
    JsonNode cfg = new ObjectMapper().readTree(TINY.resolve("config.json").toFile()).get("open_clip_model_config");
    Clip model = new Clip(ClipConfig.fromJson(cfg));
    model.load(m, Parity.load(m, TINY.resolve("weights.safetensors")));
    model.train(true);
    return model;
  }

  private static AdamW adamW(Clip model, NDManager m) {
    return new AdamW(model.namedParameters(), ParamGroups.weightDecay(model.namedParameters(), 0.2),
        new AdamW.Hyper(0.9, 0.98, 1e-6), m);
  }

  @Test
  void decayGroupsAreOpenClips() throws Exception {
    JsonNode groups = new ObjectMapper().readTree(STEP.resolve("train_step.json").toFile()).at("/optimizer/param_groups");
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, Double> wd = ParamGroups.weightDecay(model(m).namedParameters(), 0.2);
      for (JsonNode g : groups) {
        for (JsonNode n : g.get("params")) assertEquals(g.get("weight_decay").asDouble(), wd.get(n.asText()), n.asText());
      }
      assertEquals(22, wd.values().stream().filter(d -> d > 0).count());
      assertEquals(40, wd.values().stream().filter(d -> d == 0).count());
    }
  }

  @Test
  void lossGradientsAndUpdateMatch() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Clip model = model(m);
      Map<String, NDArray> in = Parity.load(m, TINY.resolve("inputs.safetensors"));
      Map<String, NDArray> fwd = Parity.load(m, STEP.resolve("forward.safetensors"));
      Map<String, NDArray> grads = Parity.load(m, STEP.resolve("grads.safetensors"));
      AdamW opt = adamW(model, m);
      double worstGrad = 0;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        ClipOutput out = model.forward(in.get("images"), in.get("text"), dev.vlt.tensor.Trace.NONE);
        NDArray loss = ContrastiveLoss.compute(out.imageFeatures(), out.textFeatures(), out.logitScale()).total();
        Parity.assertClose("logits_per_image", fwd.get("logits_per_image"), out.logitsPerImage(), 1e-5);
        assertEquals(2.174751043319702, loss.getFloat(), 2.2e-5, "loss");
        gc.backward(loss);
      }
      for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
        NDArray g = e.getValue().value().getGradient();
        worstGrad = Math.max(worstGrad, Parity.assertClose("grad." + e.getKey(), grads.get("grad." + e.getKey()), g, 2e-5));
      }
      opt.step(1e-3);
      clampLogitScale(model);
      Map<String, NDArray> updated = Parity.load(m, STEP.resolve("updated_weights.safetensors"));
      double worstWeight = 0;
      for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
        double err = Parity.maxAbsDiff(updated.get(e.getKey()), e.getValue());
        assertTrue(err <= 5e-5, e.getKey() + " updated weight off by " + err);
        worstWeight = Math.max(worstWeight, err);
      }
      System.out.printf("train step: worst grad |Δ| %.3g, worst updated weight |Δ| %.3g%n", worstGrad, worstWeight);
    }
  }

  @Test
  void adamWAloneMatchesTorchToFloatPrecision() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Clip model = model(m);
      Map<String, NDArray> grads = Parity.load(m, STEP.resolve("grads.safetensors"));
      AdamW opt = adamW(model, m);
      opt.step(1e-3, name -> grads.get("grad." + name));
      clampLogitScale(model);
      Map<String, NDArray> updated = Parity.load(m, STEP.resolve("updated_weights.safetensors"));
      Map<String, NDArray> state = Parity.load(m, STEP.resolve("optimizer_state.safetensors"));
      Set<String> checked = new HashSet<>();
      for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
        String n = e.getKey();
        assertTrue(Parity.maxAbsDiff(updated.get(n), e.getValue()) <= 1e-7, n);
        assertTrue(Parity.maxAbsDiff(state.get("exp_avg." + n), opt.firstMoments().get(n)) <= 1e-7, "exp_avg." + n);
        assertTrue(Parity.maxAbsDiff(state.get("exp_avg_sq." + n), opt.secondMoments().get(n)) <= 1e-7, "exp_avg_sq." + n);
        checked.add(n);
      }
      assertEquals(62, checked.size());
    }
  }

  /** open_clip clamps the temperature to [0, ln 100] after each step. */
  private static void clampLogitScale(Clip model) {
    NDArray s = model.logitScale().value();
    float v = Math.max(0f, Math.min((float) Math.log(100), s.getFloat()));
    s.set(new float[] {v});
  }
}
