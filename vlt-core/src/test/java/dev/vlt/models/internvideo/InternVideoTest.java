package dev.vlt.models.internvideo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.Architectures;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.FrozenParts;
import dev.vlt.models.Models;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.models.coca.CocaOutput;
import dev.vlt.models.coca.DecoderConfig;
import dev.vlt.models.internvideo.InternVideo.Trainable;
import dev.vlt.models.internvideo.InternVideo.VideoPath;
import dev.vlt.models.omnivl.OmniVl;
import dev.vlt.models.omnivl.OmniVlConfig;
import dev.vlt.models.video.JointVitConfig;
import dev.vlt.models.video.VideoMaeConfig;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.objectives.ContrastiveLoss;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * InternVideo: a fresh cross-model attention leaves the video-language backbone's embedding as it is (and opening it
 * changes it), the fusion stage sends gradient only into the cross-model attention, the video-language stage's forward
 * gives CoCa's outputs, {@code --init-from} takes the backbones and not the fusion, and the config and folder round-trip.
 */
class InternVideoTest {
  @TempDir Path dir;

  static InternVideoConfig tiny() {
    VideoMaeConfig mvm = new VideoMaeConfig(new JointVitConfig(16, 8, 3, 4, 2, 16, 1, 2, 4.0, true, 0.0), 8, 1, 2, 0.5, true);
    OmniVlConfig vl = new OmniVlConfig(8, 4, VitConfig.of(16, 8, 16, 2, 2, 0), new TextConfig(8, 64, 16, 2, 2, 4.0, "argmax", null),
        Math.log(1 / 0.07)).withDecoder(new DecoderConfig(7, 16, 2, 1));
    return new InternVideoConfig(mvm, vl, 1, 2);
  }

  private static InternVideo model(NDManager m, long seed) {
    InternVideo iv = tiny().create();
    iv.initialize(m, seed);
    // as if trained: the divided trunk's temporal parts away from zero, so the video path is more than a bag of frames
    for (Map.Entry<String, Parameter> e : iv.namedParameters().entrySet()) {
      if (e.getKey().contains("temporal_fc")) e.getValue().value().set(m.randomNormal(0, 0.2f, e.getValue().shape(), DataType.FLOAT32).toFloatArray());
    }
    return iv;
  }

  private static float maxDiff(NDArray a, NDArray b) {
    return a.sub(b).abs().max().getFloat();
  }

  @Test
  void freshCrossModelAttentionIsTheVideoLanguageBackboneAlone() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      InternVideo iv = model(m, 3);
      NDArray clips = m.randomNormal(new Shape(2, 3, 4, 16, 16));
      NDArray alone = iv.videoLanguage().encodeVideo(clips, true);
      assertEquals(0f, maxDiff(alone, iv.encodeVideo(clips, true)), 1e-6f, "zero output projections leave the embedding");
      assertEquals(0f, maxDiff(alone, iv.view(VideoPath.VIDEO_LANGUAGE).encodeVideo(clips, true)), 1e-6f);
      assertEquals(0f, maxDiff(alone, Ops.l2Normalize(iv.imageFeatures(clips, Trace.NONE))), 1e-6f, "5-D input is a clip");
      NDArray ids = m.create(new long[][] {{1, 5, 7, 63, 0, 0, 0, 0}});
      assertEquals(0f, maxDiff(iv.videoLanguage().encodeText(ids, true), iv.encodeText(ids, true)), 1e-6f);
      assertEquals(new Shape(2, 16), iv.view(VideoPath.MASKED_VIDEO_POOLED).encodeVideo(clips, false).getShape());
      // open the cross-model attention's output: now the masked-video tokens change the embedding, and its order matters
      Parameter out = iv.crossModel().namedParameters().get("blocks.0.attn.out_proj.weight");
      out.value().set(m.randomNormal(0, 0.5f, out.shape(), DataType.FLOAT32).toFloatArray());
      NDArray fused = iv.encodeVideo(clips, true);
      assertTrue(maxDiff(alone, fused) > 1e-3, "an open cross-model attention changes the embedding");
      NDArray reversed = clips.flip(2);
      assertTrue(maxDiff(fused, iv.encodeVideo(reversed, true)) > 1e-4, "the fused model sees frame order");
    }
  }

  @Test
  void theFusionStageSendsGradientOnlyIntoTheCrossModelAttention() {
    try (NDManager m = NDManager.newBaseManager()) {
      InternVideo iv = model(m, 5);
      iv.trainOnly(Trainable.CROSS_MODEL);
      iv.train(true);
      // a zero output passes no gradient to what is before it: open them as one optimizer step would
      for (Parameter p : iv.crossModel().namedParameters().values()) {
        if (p.value().abs().max().getFloat() == 0 && p.shape().dimension() == 2) {
          p.value().set(m.randomNormal(0, 0.1f, p.shape(), DataType.FLOAT32).toFloatArray());
        }
      }
      NDArray clips = m.randomNormal(new Shape(3, 3, 4, 16, 16));
      NDArray ids = m.create(new long[][] {{1, 5, 63, 0, 0, 0, 0, 0}, {1, 6, 63, 0, 0, 0, 0, 0}, {1, 7, 8, 63, 0, 0, 0, 0}});
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray v = Ops.l2Normalize(iv.videoFeatures(clips));
        NDArray t = Ops.l2Normalize(iv.textFeatures(ids, Trace.NONE));
        gc.backward(ContrastiveLoss.compute(v, t, iv.logitScale().value().exp()).total());
      }
      int trained = FrozenParts.assertOnlyTrainedPartsGetGradients(iv, k -> k.startsWith("cross_model."))[1];
      assertEquals(iv.crossModel().namedParameters().size(), trained);
    }
  }

  @Test
  void theVideoLanguageForwardIsCocasOverClips() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      InternVideo iv = model(m, 7);
      NDArray clips = m.randomNormal(new Shape(2, 3, 4, 16, 16));
      NDArray ids = m.create(new long[][] {{1, 5, 7, 63, 0, 0, 0, 0}, {1, 9, 63, 0, 0, 0, 0, 0}});
      CocaOutput out = iv.videoLanguage().captionForward(clips, ids);
      assertEquals(new Shape(2, 7, 64), out.captionLogits().getShape());
      assertTrue(out.captionLabels().contentEquals(ids.get(":, 1:")), "labels are the next tokens");
      assertEquals(0f, maxDiff(out.imageFeatures(), iv.videoLanguage().encodeVideo(clips, true)), 1e-6f);
      assertEquals(0f, maxDiff(out.textFeatures(), iv.encodeText(ids, true)), 1e-6f);
      // causal: the logits at a position do not depend on later tokens
      NDArray changed = m.create(new long[][] {{1, 5, 7, 63, 0, 0, 0, 9}, {1, 9, 63, 0, 0, 0, 0, 9}});
      NDArray other = iv.videoLanguage().captionForward(clips, changed).captionLogits();
      assertEquals(0f, maxDiff(out.captionLogits().get(":, :6"), other.get(":, :6")), 1e-5f);
    }
  }

  @Test
  void initFromTakesTheBackbonesAndNotTheFusion() {
    try (NDManager m = NDManager.newBaseManager()) {
      InternVideo trained = model(m, 1);
      Parameter out = trained.crossModel().namedParameters().get("blocks.0.attn.out_proj.weight");
      out.value().set(m.randomNormal(0, 0.5f, out.shape(), DataType.FLOAT32).toFloatArray());
      InternVideo fresh = tiny().create();
      fresh.initialize(m, 2);
      String said = fresh.initFrom(trained, m);
      assertTrue(said.contains("mvm.*"), said);
      Map<String, NDArray> source = trained.stateDict();
      fresh.stateDict().forEach((k, v) -> {
        if (k.startsWith("cross_model.")) return;
        assertEquals(0f, maxDiff(source.get(k), v), 0f, k);
      });
      assertEquals(0f, fresh.crossModel().namedParameters().get("blocks.0.attn.out_proj.weight").value().abs().max().getFloat(), 0f,
          "the cross-model attention starts fresh");
      OmniVl omnivl = tiny().vl().create();
      omnivl.initialize(m, 9);
      fresh.initFrom(omnivl, m);
      Map<String, NDArray> vl = fresh.videoLanguage().stateDict();
      omnivl.stateDict().forEach((k, v) -> assertEquals(0f, maxDiff(v, vl.get(k)), 0f, k));
      OmniVl other = new OmniVlConfig(8, 4, VitConfig.of(16, 8, 16, 1, 2, 0), tiny().vl().text(), Math.log(1 / 0.07)).create();
      other.initialize(m, 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fresh.initFrom(other, m));
      assertTrue(e.getMessage().contains("differs"), e.getMessage());
    }
  }

  @Test
  void configReadsStrictlyAndTheFolderRoundTrips() throws Exception {
    InternVideoConfig c = tiny();
    ObjectMapper json = new ObjectMapper();
    assertEquals(c, InternVideoConfig.fromJson(c.toJson(json)));
    ObjectNode unknown = c.toJson(json);
    ((ObjectNode) unknown.get("fusion_cfg")).put("layer", 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InternVideoConfig.fromJson(unknown));
    assertTrue(e.getMessage().contains("fusion_cfg.layer"), e.getMessage());
    ObjectNode frames = c.toJson(json);
    ((ObjectNode) frames.get("mvm_cfg")).put("num_frames", 8);
    e = assertThrows(IllegalArgumentException.class, () -> InternVideoConfig.fromJson(frames));
    assertTrue(e.getMessage().contains("num_frames"), e.getMessage());
    ObjectNode width = c.toJson(json);
    ((ObjectNode) width.get("vl_cfg").get("decoder_cfg")).put("width", 32);
    e = assertThrows(IllegalArgumentException.class, () -> InternVideoConfig.fromJson(width));
    assertTrue(e.getMessage().contains("decoder_cfg.width"), e.getMessage());

    try (LoadedModel made = Models.create("internvideo-shapes-small", 2)) {
      assertEquals(Architectures.INTERNVIDEO, made.architecture());
      assertTrue(made.has(Capability.VIDEO_EMBEDDING) && made.has(Capability.IMAGE_TEXT_SIMILARITY) && made.has(Capability.TEXT_EMBEDDING)
          && made.has(Capability.CAPTIONING));
      Parameter out = made.as(InternVideo.class).crossModel().namedParameters().get("blocks.0.attn.out_proj.weight");
      out.value().set(made.manager().randomNormal(0, 0.5f, out.shape(), DataType.FLOAT32).toFloatArray());
      Models.save(made, dir.resolve("m"));
      try (LoadedModel loaded = Models.load(dir.resolve("m")); NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
        assertEquals(made.config(), loaded.config());
        Map<String, NDArray> saved = made.module().stateDict();
        loaded.module().stateDict().forEach((k, v) -> assertEquals(0f, maxDiff(saved.get(k), v), 0f, k));
        NDArray clip = m.randomNormal(new Shape(1, 3, 8, 64, 64));
        NDArray a = made.require(Capability.VIDEO_EMBEDDING).encodeVideo(clip, true);
        NDArray b = loaded.require(Capability.VIDEO_EMBEDDING).encodeVideo(clip, true);
        // it captions clips through the video-language backbone's decoder: the same logits as that OmniVL's own
        dev.vlt.models.caption.CaptionModel cap = loaded.require(Capability.CAPTIONING);
        NDArray tokens = cap.encodeForDecoding(clip).tokens();
        assertEquals(new Shape(1, 8 * 17, 128), tokens.getShape(), "every token of every frame");
        NDArray prefix = m.create(new long[] {1, 40, 41}, new Shape(1, 3));
        NDArray logits = cap.nextTokenLogits(tokens, prefix);
        assertEquals(new Shape(1, 1024), logits.getShape());
        NDArray own = loaded.as(InternVideo.class).videoLanguage().nextTokenLogits(tokens, prefix);
        assertEquals(0f, maxDiff(logits, own), 0f);
        assertEquals(0f, maxDiff(a, b), 1e-6f);
      }
    }
  }
}
