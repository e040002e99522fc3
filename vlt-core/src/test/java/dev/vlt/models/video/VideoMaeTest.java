package dev.vlt.models.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.models.ConfigReader;
import dev.vlt.nn.GradCheck;
import dev.vlt.objectives.MaskedPixelLoss;
import dev.vlt.objectives.PixelTargets;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** VideoMAE on a tiny config: shapes under tube masking, keys, gradients, the decoder's token order, config strictness. */
class VideoMaeTest {
  // 16-px frames, 4-px patches, 4 frames in tubelets of 2: 2 slots × 16 = 32 tokens, 12 of 16 masked per slot
  static final VideoMaeConfig TINY = new VideoMaeConfig(new JointVitConfig(16, 4, 3, 4, 2, 16, 1, 2, 2.0, true, 0.0), 8, 1, 2,
      0.75, true);
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  @Test
  void shapesKeysAndGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      VideoMae model = new VideoMae(TINY);
      model.initialize(m, 31);
      Map<String, Parameter> p = model.namedParameters();
      assertEquals(new Shape(16, 3, 2, 4, 4), p.get("encoder.patch_embed.proj.weight").shape());
      assertTrue(p.containsKey("encoder.blocks.0.attn.q_bias") && !p.containsKey("encoder.blocks.0.attn.qkv.bias"));
      assertFalse(p.keySet().stream().anyMatch(k -> k.contains("pos_embed") || k.contains("cls_token")));
      assertFalse(p.containsKey("encoder_to_decoder.bias"));
      assertEquals(new Shape(96, 8), p.get("decoder.head.weight").shape());

      NDArray videos = m.randomNormal(new Shape(2, 3, 4, 16, 16));
      NDArray mask = model.masking().sample(m, 2, new SplittableRandom(3));
      VideoMaeOutput out;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        out = model.forward(videos, mask, Trace.NONE);
        NDArray targets = PixelTargets.video(videos, 2, 4, MEAN, STD, true);
        gc.backward(MaskedPixelLoss.compute(out.pred(), Ops.gatherRows(targets, out.tokens().masked())).total());
      }
      assertEquals(new Shape(2, 8, 16), out.latent().getShape());
      assertEquals(new Shape(2, 24, 96), out.pred().getShape());
      GradCheck.assertEveryParameterLearns(model);
    }
  }

  @Test
  void theMaskSplitsIntoAscendingVisibleAndMaskedTokens() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      VideoMae model = new VideoMae(TINY);
      model.initialize(m, 32);
      NDArray videos = m.randomNormal(new Shape(1, 3, 4, 16, 16));
      NDArray mask = model.masking().sample(m, 1, new SplittableRandom(4));
      VideoMaeOutput out = model.forward(videos, mask, Trace.NONE);
      long[] masked = out.tokens().masked().toLongArray();
      for (int i = 1; i < masked.length; i++) assertTrue(masked[i] > masked[i - 1]);
      long[] visible = out.tokens().visible().toLongArray();
      long[] v = mask.toLongArray();
      for (long i : visible) assertEquals(0, v[(int) i]);
      assertEquals(32, visible.length + masked.length);
      assertArrayEquals(out.pred().toFloatArray(), model.forward(videos, mask, Trace.NONE).pred().toFloatArray());
    }
  }

  @Test
  void configReadsVideoMaesKeywords() throws Exception {
    ObjectMapper json = new ObjectMapper();
    VideoMaeConfig c = VideoMaeConfig.read(new ConfigReader(json.readTree(
        "{\"img_size\": 16, \"patch_size\": 4, \"num_frames\": 4, \"tubelet_size\": 2, \"encoder_embed_dim\": 16,"
            + " \"encoder_depth\": 1, \"encoder_num_heads\": 2, \"mlp_ratio\": 2.0, \"qkv_bias\": true,"
            + " \"decoder_num_classes\": 96, \"decoder_embed_dim\": 8, \"decoder_depth\": 1, \"decoder_num_heads\": 2,"
            + " \"mask_ratio\": 0.75}"), "videomae"));
    assertEquals(TINY, c);
    var o = json.createObjectNode();
    c.write(o);
    assertEquals(c, VideoMaeConfig.read(new ConfigReader(o, "videomae")));
    String wrong = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> VideoMaeConfig.read(
        new ConfigReader(json.readTree("{\"img_size\": 16, \"patch_size\": 4, \"decoder_num_classes\": 100}"), "videomae")))
        .getMessage();
    assertTrue(wrong.contains("decoder_num_classes 100 must be"), wrong);
  }
}
