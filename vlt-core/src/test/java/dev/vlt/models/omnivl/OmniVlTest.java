package dev.vlt.models.omnivl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.models.Architectures;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.caption.ImageEncoding;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.models.coca.CocaOutput;
import dev.vlt.models.coca.DecoderConfig;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OmniVL's dual encoder: one visual encoder for images and clips that starts as the image model, and uses frame order. */
class OmniVlTest {
  @TempDir Path dir;

  private static OmniVlConfig tiny() {
    return new OmniVlConfig(8, 4, VitConfig.of(16, 8, 16, 2, 2, 0),
        new TextConfig(8, 64, 16, 2, 2, 4.0, "argmax", null), Math.log(1 / 0.07));
  }

  @Test
  void aStillClipIsTheImageUntilTheTemporalPartsMove() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      OmniVl model = tiny().create();
      model.initialize(m, 7);
      // a fresh model draws time_embed at random (symmetry breaking, see DividedVit); zero it to get the image model back
      Parameter timeEmbed = model.namedParameters().get("visual.trunk.time_embed");
      assertTrue(timeEmbed.value().abs().max().getFloat() > 0, "time_embed starts random when trained from scratch");
      timeEmbed.value().set(new float[(int) timeEmbed.value().size()]);
      NDArray images = m.randomNormal(new Shape(2, 3, 16, 16));
      NDArray still = images.expandDims(2).repeat(2, 4);                              // [B, 3, T, S, S], equal frames
      NDArray asImage = model.encodeImage(images, true);
      NDArray asClip = model.encodeVideo(still, true);
      assertEquals(new Shape(2, 8), asClip.getShape());
      assertEquals(0f, asImage.sub(asClip).abs().max().getFloat(), 1e-6f, "zero temporal_fc and time_embed add nothing");

      NDArray clip = m.randomNormal(new Shape(2, 3, 4, 16, 16));
      NDArray reversed = clip.flip(2);
      assertEquals(0f, model.encodeVideo(clip, true).sub(model.encodeVideo(reversed, true)).abs().max().getFloat(), 1e-6f,
          "without temporal parts the clip is a bag of frames: order cannot matter");
      for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
        if (e.getKey().contains("temporal_fc") || e.getKey().endsWith("time_embed")) {
          e.getValue().value().set(m.randomNormal(0, 0.2f, e.getValue().shape(), ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray());
        }
      }
      float orderEffect = model.encodeVideo(clip, true).sub(model.encodeVideo(reversed, true)).abs().max().getFloat();
      assertTrue(orderEffect > 1e-3, "trained temporal parts see frame order: " + orderEffect);
      float imageAfter = model.encodeImage(images, true).sub(asImage).abs().max().getFloat();
      assertEquals(0f, imageAfter, 1e-6f, "images skip the temporal parts");
    }
  }

  @Test
  void registryConfigReadsBackAndTheFolderRoundTrips() throws Exception {
    try (LoadedModel made = Models.create("omnivl-shapes-small", 3)) {
      assertEquals(Architectures.OMNIVL, made.architecture());
      OmniVlConfig cfg = (OmniVlConfig) made.config();
      assertEquals(cfg, OmniVlConfig.fromJson(cfg.toJson(new ObjectMapper())));
      assertTrue(made.has(Capability.VIDEO_EMBEDDING) && made.has(Capability.IMAGE_TEXT_SIMILARITY));
      Models.save(made, dir.resolve("m"));
      try (LoadedModel loaded = Models.load(dir.resolve("m")); NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
        NDArray clip = m.randomNormal(new Shape(1, 3, 8, 64, 64));
        NDArray a = made.require(Capability.VIDEO_EMBEDDING).encodeVideo(clip, true);
        NDArray b = loaded.require(Capability.VIDEO_EMBEDDING).encodeVideo(clip, true);
        assertEquals(0f, a.sub(b).abs().max().getFloat(), 1e-6f);
      }
    }
  }

  @Test
  void theCaptionDecoderReadsEveryFrameInOrderAndDecodesAsItTrains() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      OmniVl model = tiny().withDecoder(new DecoderConfig(7, 16, 2, 1)).create();
      model.initialize(m, 11);
      assertTrue(model.namedParameters().keySet().stream().anyMatch(k -> k.startsWith("text_decoder.")));
      NDArray clip = m.randomNormal(new Shape(2, 3, 4, 16, 16));
      NDArray ids = m.create(new long[] {1, 5, 9, 12, 2, 0, 0, 0, 1, 7, 7, 2, 0, 0, 0, 0}, new Shape(2, 8));
      CocaOutput out = model.captionForward(clip, ids);
      assertEquals(new Shape(2, 7, 64), out.captionLogits().getShape());
      assertEquals(ids.get(new NDIndex(":, 1:")).toType(DataType.INT64, false), out.captionLabels().toType(DataType.INT64, false));
      NDArray embedded = model.encodeVideo(clip, true);
      assertEquals(0f, out.imageFeatures().sub(embedded).abs().max().getFloat(), 1e-6f, "the latent is the video embedding");

      // decoding one step at a time gives the teacher-forced logits (the decoder and the text tower are causal)
      ImageEncoding enc = model.encodeForDecoding(clip);
      assertEquals(new Shape(2, 4 * 5, 16), enc.tokens().getShape(), "every token of every frame");
      NDArray step = model.nextTokenLogits(enc.tokens(), ids.get(new NDIndex(":, :3")));
      assertEquals(0f, step.sub(out.captionLogits().get(new NDIndex(":, 2"))).abs().max().getFloat(), 1e-4f);

      // every temporal_fc is still zero, yet the decoder reads each frame's tokens with their time embedding
      NDArray reversed = clip.flip(2);
      float decoderOrder = model.captionForward(reversed, ids).captionLogits().sub(out.captionLogits()).abs().max().getFloat();
      assertTrue(decoderOrder > 1e-5, "the decoder's logits depend on frame order: " + decoderOrder);
    }
  }

  @Test
  void captioningIsACapabilityOnlyWithADecoder() throws Exception {
    try (LoadedModel dual = Models.create("omnivl-shapes-small", 3); LoadedModel cap = Models.create("omnivl-captioner-shapes-small", 3)) {
      assertFalse(dual.has(Capability.CAPTIONING));
      assertFalse(dual.capabilities().contains(Capability.CAPTIONING));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dual.require(Capability.CAPTIONING));
      assertTrue(e.getMessage().contains("cannot write captions"), e.getMessage());
      assertTrue(cap.has(Capability.CAPTIONING) && cap.has(Capability.VIDEO_EMBEDDING));
      OmniVlConfig cfg = (OmniVlConfig) cap.config();
      assertEquals(cfg, OmniVlConfig.fromJson(cfg.toJson(new ObjectMapper())));
      Models.save(cap, dir.resolve("cap"));
      try (LoadedModel loaded = Models.load(dir.resolve("cap"))) {
        assertEquals(cfg, loaded.config());
        assertTrue(loaded.has(Capability.CAPTIONING));
      }
      var json = cfg.toJson(new ObjectMapper());
      ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("decoder_cfg")).put("width", 64);
      e = assertThrows(IllegalArgumentException.class, () -> OmniVlConfig.fromJson(json));
      assertTrue(e.getMessage().contains("decoder_cfg.width"), e.getMessage());
    }
  }
}
