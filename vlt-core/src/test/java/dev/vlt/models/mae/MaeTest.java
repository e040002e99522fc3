package dev.vlt.models.mae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.vit.Vit;
import dev.vlt.nn.GradCheck;
import dev.vlt.nn.RandomMasking;
import dev.vlt.nn.SinCos;
import dev.vlt.objectives.MaskedPixelLoss;
import dev.vlt.objectives.PixelTargets;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MAE on a tiny config: shapes, fixed positions, seeded masking, the encoder as a ViT, gradients, config errors. */
class MaeTest {
  static final MaeConfig TINY = new MaeConfig(16, 4, 3, 16, 2, 2, 8, 1, 2, 2.0, 0.75, true);
  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  private Mae model() {
    Mae mae = new Mae(TINY);
    mae.initialize(m, 11);
    return mae;
  }

  @Test
  void shapesWithSeededMasking() {
    Mae mae = model();
    try (NoGrad ng = NoGrad.open()) {
      NDArray images = m.randomNormal(new Shape(3, 3, 16, 16));
      MaeOutput out = mae.forward(images, RandomMasking.noise(m, 3, 16, 5), Trace.NONE);
      assertEquals(new Shape(3, 16, 48), out.pred().getShape());
      assertEquals(new Shape(3, 1 + 4, 16), out.latent().getShape());
      assertEquals(new Shape(3, 16), out.mask().getShape());
      assertEquals(3 * 12, (int) out.mask().sum().getFloat());
      assertEquals(new Shape(3, 3, 16, 16), mae.unpatchify(out.pred()).getShape());
      // the same seed gives the same masks, another seed others
      MaeOutput again = mae.forward(images, RandomMasking.noise(m, 3, 16, 5), Trace.NONE);
      assertArrayEquals(out.mask().toFloatArray(), again.mask().toFloatArray());
      assertArrayEquals(out.pred().toFloatArray(), again.pred().toFloatArray());
      assertFalse(java.util.Arrays.equals(out.mask().toFloatArray(),
          mae.forward(images, RandomMasking.noise(m, 3, 16, 6), Trace.NONE).mask().toFloatArray()));
    }
  }

  @Test
  void keysAndFixedPositions() {
    Mae mae = model();
    Map<String, Parameter> p = mae.namedParameters();
    for (String k : new String[] {"patch_embed.proj.weight", "patch_embed.proj.bias", "cls_token", "pos_embed",
        "blocks.1.attn.qkv.bias", "norm.weight", "decoder_embed.weight", "mask_token", "decoder_pos_embed",
        "decoder_blocks.0.mlp.fc2.weight", "decoder_norm.bias", "decoder_pred.weight"}) {
      assertTrue(p.containsKey(k), k);
    }
    assertEquals(new Shape(48, 8), p.get("decoder_pred.weight").shape());
    assertFalse(p.keySet().stream().anyMatch(k -> k.startsWith("head") || k.startsWith("fc_norm")));
    assertTrue(p.get("pos_embed").isFrozen());
    assertTrue(p.get("decoder_pos_embed").isFrozen());
    assertArrayEquals(SinCos.grid2d(16, 4, true), p.get("pos_embed").value().toFloatArray());
    assertArrayEquals(SinCos.grid2d(8, 4, true), p.get("decoder_pos_embed").value().toFloatArray());
  }

  @Test
  void withNothingMaskedTheEncoderIsTheVit() {
    // MAE's encoder is a timm ViT: keep every patch in spatial order and the latent is the ViT's forward_features
    Mae mae = new Mae(new MaeConfig(16, 4, 3, 16, 2, 2, 8, 1, 2, 2.0, 0.0, false));
    mae.initialize(m, 12);
    Vit vit = new Vit(mae.config().encoder());
    vit.load(m, mae.encoder().stateDict());
    try (NoGrad ng = NoGrad.open()) {
      NDArray images = m.randomNormal(new Shape(2, 3, 16, 16));
      NDArray ascending = m.arange(0f, 16f).reshape(1, 16).repeat(0, 2);
      NDArray latent = mae.encode(images, ascending, Trace.NONE).latent();
      assertEquals(0.0, latent.sub(vit.forwardFeatures(images, Trace.NONE)).abs().max().getFloat(), 1e-6);
    }
  }

  @Test
  void everyTrainableParameterGetsAFiniteGradient() {
    Mae mae = model();
    mae.train(true);
    NDArray images = m.randomNormal(new Shape(2, 3, 16, 16));
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      MaeOutput out = mae.forward(images, RandomMasking.noise(m, 2, 16, 1), Trace.NONE);
      NDArray target = PixelTargets.image(images, 4, true);
      gc.backward(MaskedPixelLoss.compute(out.pred(), target, out.mask()).total());
    }
    GradCheck.assertEveryParameterLearns(mae);
  }

  @Test
  void configIsReadStrictly() throws Exception {
    ObjectMapper json = new ObjectMapper();
    MaeConfig c = MaeConfig.read(new ConfigReader(json.readTree(
        "{\"img_size\": 16, \"patch_size\": 4, \"embed_dim\": 16, \"depth\": 2, \"num_heads\": 2, \"decoder_embed_dim\": 8,"
            + " \"decoder_depth\": 1, \"decoder_num_heads\": 2, \"mlp_ratio\": 2.0, \"norm_pix_loss\": true}"), "mae"));
    assertEquals(TINY, c);
    var o = json.createObjectNode();
    c.write(o);
    assertEquals(c, MaeConfig.read(new ConfigReader(o, "mae")));
    String typo = assertThrows(IllegalArgumentException.class, () -> MaeConfig.read(new ConfigReader(
        json.readTree("{\"decoder_width\": 8}"), "mae"))).getMessage();
    assertTrue(typo.contains("mae.decoder_width is not a known field"), typo);
    String odd = assertThrows(IllegalArgumentException.class,
        () -> new MaeConfig(16, 4, 3, 18, 2, 2, 8, 1, 2, 2.0, 0.75, false)).getMessage();
    assertTrue(odd.contains("divisible by 4"), odd);
  }
}
