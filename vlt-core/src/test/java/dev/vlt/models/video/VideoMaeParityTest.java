package dev.vlt.models.video;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.models.ConfigReader;
import dev.vlt.objectives.MaskedPixelLoss;
import dev.vlt.objectives.PixelTargets;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MCG-NJU/VideoMAE's PretrainVisionTransformer on {@code videomae_tiny}: tubelet embedding, both sinusoid tables, the
 * encoder on the visible tokens, the decoder, and the training script's labels and loss with and without target
 * normalisation.
 */
class VideoMaeParityTest {
  static final Path DIR = Fixtures.fixture("videomae_tiny");
  /** VideoMAE un-normalises its clips with ImageNet's statistics (timm's IMAGENET_DEFAULT_MEAN / STD). */
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  static VideoMaeConfig config() throws IOException {
    JsonNode json = new ObjectMapper().readTree(DIR.resolve("config.json").toFile());
    ObjectNode kwargs = ((ObjectNode) json.get("constructor_kwargs")).deepCopy();
    assertEquals("functools.partial(torch.nn.LayerNorm, eps=1e-06)", kwargs.remove("norm_layer").asText());
    kwargs.put("num_frames", json.get("num_frames").asInt());
    kwargs.set("mask_ratio", json.get("mask_ratio"));
    return VideoMaeConfig.read(new ConfigReader(kwargs, "videomae"));
  }

  @Test
  void matchesVideoMae() throws Exception {
    VideoMaeConfig cfg = config();
    JointVitConfig enc = cfg.encoder();
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Map<String, NDArray> weights = Parity.load(m, DIR.resolve("weights.safetensors"));
      VideoMae model = new VideoMae(cfg);
      assertEquals(weights.keySet(), model.namedParameters().keySet());
      model.load(m, weights);
      assertEquals(152_096, model.parameterCount());
      model.train(false);
      Map<String, NDArray> in = Parity.load(m, DIR.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = Parity.load(m, DIR.resolve("outputs.safetensors"));
      NDArray videos = in.get("videos");

      Map<String, NDArray> got = new HashMap<>();
      VideoMaeOutput out = model.forward(videos, in.get("bool_masked_pos"), got::put);
      got.put("encoder.pos_embed_table", model.encoder().positions(videos));
      got.put("decoder.pos_embed_table", model.decoderPositions(videos));
      got.put("unnorm_videos", PixelTargets.unnormalize(videos, MEAN, STD));
      for (boolean normalize : new boolean[] {true, false}) {
        String prefix = "normlize_target_" + normalize + ".";
        NDArray patches = PixelTargets.video(videos, enc.tubelet(), enc.patchSize(), MEAN, STD, normalize);
        NDArray labels = Ops.gatherRows(patches, out.tokens().masked());
        got.put(prefix + "videos_patch", patches);
        got.put(prefix + "labels", labels);
        got.put(prefix + "loss", MaskedPixelLoss.compute(out.pred(), labels).total());
      }

      // the tables are computed in float64 from the formula: expected bit-exact, at most 1e-7; the losses within 1e-5
      // relative, every other tensor within 1e-5
      Map<String, Double> worst =
          Parity.assertAllClose(expected, got, name -> name.endsWith("pos_embed_table") ? 1e-7 : 1e-5);
      for (String loss : List.of("normlize_target_true.loss", "normlize_target_false.loss")) {
        System.out.printf("videomae %s %.9f (reference %.9f, rel %.2g)%n", loss, got.get(loss).getFloat(),
            expected.get(loss).getFloat(), worst.remove(loss));
      }
      assertEquals(20, expected.size());
      System.out.printf("videomae: worst max|Δ| %s%n", worst);
    }
  }
}
