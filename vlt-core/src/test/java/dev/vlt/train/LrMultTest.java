package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameter groups with their own learning rate (METER's multipliers): prefixes, the optimizer step, the run config. */
class LrMultTest {
  static final class TwoParts extends Module {
    final Linear tower = child("tower", new Linear(3, 3));
    final Linear crossModal = child("cross_modal_layers", new Linear(3, 3));
    final Linear crossModalHead = child("cross_modal_head", new Linear(3, 3));
  }

  @Test
  void theLongestPrefixWinsAndAnUnknownPrefixIsAnError() {
    Map<String, Parameter> p = new TwoParts().namedParameters();
    Map<String, Double> scale = ParamGroups.lrScale(p, Map.of("cross_modal", 5.0, "cross_modal_head", 10.0));
    assertEquals(Map.of("cross_modal_layers.weight", 5.0, "cross_modal_layers.bias", 5.0, "cross_modal_head.weight", 10.0,
        "cross_modal_head.bias", 10.0), scale);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParamGroups.lrScale(p, Map.of("crossmodal", 5.0)));
    assertTrue(e.getMessage().contains("crossmodal matches no trainable parameter"), e.getMessage());
  }

  /** Adam's first step moves each entry by lr·g/(|g| + eps) ≈ lr: a group at 5× moves 5× as far, its decay at its own rate. */
  @Test
  void aScaledGroupStepsAtItsOwnRate() {
    try (NDManager m = NDManager.newBaseManager()) {
      TwoParts mod = new TwoParts();
      mod.initialize(m, 1);
      Map<String, Parameter> params = mod.namedParameters();
      Map<String, Double> wd = ParamGroups.weightDecay(params, 0.0);
      AdamW opt = new AdamW(params, wd, ParamGroups.lrScale(params, Map.of("cross_modal_layers", 5.0)),
          new AdamW.Hyper(0.9, 0.999, 1e-12), m);
      float[] towerBefore = params.get("tower.weight").value().toFloatArray();
      float[] crossBefore = params.get("cross_modal_layers.weight").value().toFloatArray();
      NDArray g = m.ones(new Shape(3, 3));
      opt.step(1e-3, n -> n.endsWith("weight") ? g : m.ones(new Shape(3)));
      float[] towerAfter = params.get("tower.weight").value().toFloatArray();
      float[] crossAfter = params.get("cross_modal_layers.weight").value().toFloatArray();
      for (int i = 0; i < 9; i++) {
        assertEquals(-1e-3, towerAfter[i] - towerBefore[i], 1e-6);
        assertEquals(-5e-3, crossAfter[i] - crossBefore[i], 1e-6);
      }
    }
  }

  @Test
  void theRunConfigCarriesMultipliersAndLossWeights() throws Exception {
    TrainConfig cfg = Tiny.config("{'lr_mult': {'cross_modal': 5, 'itm_score': 5}, 'loss_weights': {'mlm': 0}}");
    assertEquals(Map.of("cross_modal", 5.0, "itm_score", 5.0), cfg.lrMult());
    assertEquals(Map.of("mlm", 0.0), cfg.lossWeights());
    ObjectMapper json = new ObjectMapper();
    assertEquals(cfg, TrainConfig.fromJson(json.readTree(json.writeValueAsString(cfg.toJson(json)))));
    assertTrue(Tiny.config("{}").lrMult().isEmpty(), "runs written before the field read as before");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tiny.config("{'lr_mult': {'x': 0}}"));
    assertTrue(e.getMessage().contains("--lr-mult"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Tiny.config("{'loss_weights': {'mlm': 'a lot'}}"));
    assertTrue(e.getMessage().contains("--loss-weights"), e.getMessage());
  }
}
