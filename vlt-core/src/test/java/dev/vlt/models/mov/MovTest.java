package dev.vlt.models.mov;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.vlt.data.shapes.Motion;
import dev.vlt.data.shapes.ShapesClip;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.Architectures;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.FrozenParts;
import dev.vlt.models.Models;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.models.omnivl.OmniVl;
import dev.vlt.models.omnivl.OmniVlConfig;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.objectives.MovLoss;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MOV over an OmniVL: it starts as that model (the fusion's residual is zero), the starting model takes no gradient while
 * the flow and audio copies and the fusion do, its flow and audio inputs have the shapes and signs they should, and its
 * config reads strictly and round-trips through a folder.
 */
class MovTest {
  @TempDir Path dir;

  private static OmniVlConfig base() {
    return new OmniVlConfig(8, 4, VitConfig.of(16, 8, 16, 2, 2, 0), new TextConfig(8, 64, 16, 2, 2, 4.0, "argmax", null),
        Math.log(1 / 0.07));
  }

  private static MovConfig tiny() {
    return new MovConfig(base(), 1, 2, 8, 10, 1);
  }

  /** A fresh MOV started from {@code omnivl}. */
  private static Mov movOver(OmniVl omnivl, NDManager m) {
    Mov mov = tiny().create();
    mov.initialize(m, 11);
    mov.initFrom(omnivl, m);
    return mov;
  }

  /** As if trained: temporal_fc away from its zero start, so the video path is more than a bag of frames. */
  private static OmniVl omnivl(NDManager m) {
    OmniVl o = base().create();
    o.initialize(m, 3);
    for (Map.Entry<String, Parameter> e : o.namedParameters().entrySet()) {
      if (e.getKey().contains("temporal_fc")) e.getValue().value().set(m.randomNormal(0, 0.2f, e.getValue().shape(), DataType.FLOAT32).toFloatArray());
    }
    return o;
  }

  private static NDArray audio(NDManager m, int b) {
    return m.randomNormal(new Shape(b, 3, 16, 16));
  }

  @Test
  void atInitialisationMovEmbedsAClipAsItsStartingModelDoes() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      OmniVl omnivl = omnivl(m);
      Mov mov = movOver(omnivl, m);
      NDArray clips = m.randomNormal(new Shape(2, 3, 4, 16, 16));
      NDArray expected = omnivl.encodeVideo(clips, true);
      NDArray fused = Ops.l2Normalize(mov.videoFeatures(clips, MovInputs.flow(clips, mov.config()), audio(m, 2)));
      assertEquals(0f, expected.sub(fused).abs().max().getFloat(), 1e-6f, "the zero residual leaves the RGB embedding");
      assertEquals(0f, expected.sub(mov.encodeVideo(clips, true)).abs().max().getFloat(), 1e-6f);
      // the copies are the trunk's weights; time_embed cut to the flow's T - 1 frames
      Map<String, NDArray> trunk = omnivl.trunk().stateDict();
      mov.audioEncoder().stateDict().forEach((k, v) -> assertEquals(0f, v.sub(trunk.get(k)).abs().max().getFloat(), k));
      NDArray flowTime = mov.flowEncoder().stateDict().get("time_embed");
      assertEquals(new Shape(1, 3, 16), flowTime.getShape());
      assertEquals(0f, flowTime.sub(trunk.get("time_embed").get(":, :3, :")).abs().max().getFloat());
      // the fusion is what changes it: open its output projection and the embedding moves
      Parameter out = mov.fusionParameters().get("fusion.0.attn.out_proj.weight");
      out.value().set(m.randomNormal(0, 0.5f, out.shape(), DataType.FLOAT32).toFloatArray());
      NDArray moved = Ops.l2Normalize(mov.videoFeatures(clips, MovInputs.flow(clips, mov.config()), audio(m, 2)));
      assertTrue(expected.sub(moved).abs().max().getFloat() > 1e-3, "an open fusion changes the embedding");
      // the text side and images are the starting model's
      NDArray ids = m.create(new long[][] {{1, 5, 7, 2, 0, 0, 0, 0}});
      assertEquals(0f, omnivl.encodeText(ids, true).sub(mov.encodeText(ids, true)).abs().max().getFloat(), 1e-6f);
    }
  }

  @Test
  void theStartingModelGetsNoGradientWhileCopiesAndFusionDo() {
    try (NDManager m = NDManager.newBaseManager()) {
      Mov mov = movOver(omnivl(m), m);
      mov.freezeStart(true);
      mov.train(true);
      // a zero residual passes no gradient to what is before it: open it as one optimizer step would
      for (Parameter p : mov.fusionParameters().values()) {
        if (p.value().abs().max().getFloat() == 0 && p.shape().dimension() == 2) {
          p.value().set(m.randomNormal(0, 0.1f, p.shape(), DataType.FLOAT32).toFloatArray());
        }
      }
      NDArray clips = m.randomNormal(new Shape(3, 3, 4, 16, 16));
      NDArray flow = MovInputs.flow(clips, mov.config());
      NDArray classes;
      try (NoGrad ng = NoGrad.open()) {
        classes = Ops.l2Normalize(mov.textFeatures(m.create(new long[][] {{1, 5, 2, 0, 0, 0, 0, 0}, {1, 6, 2, 0, 0, 0, 0, 0}}),
            Trace.NONE));
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray v = Ops.l2Normalize(mov.videoFeatures(clips, flow, audio(m, 3)));
        gc.backward(MovLoss.compute(v, classes, mov.logitScale().value().exp(), m.create(new long[] {0, 1, 1})).total());
      }
      int[] counts = FrozenParts.assertOnlyTrainedPartsGetGradients(mov,
          k -> k.startsWith("flow.") || k.startsWith("audio.") || k.startsWith("fusion.") || k.endsWith("_type"));
      int frozen = counts[0], trained = counts[1];
      assertEquals(mov.start().namedParameters().size(), frozen);
      assertTrue(trained > 0);
      // vlt info's breakdown: the frozen start is the RGB and text parts, the rest the copies and fusion, all counted once
      long startCount = mov.start().namedParameters().values().stream().mapToLong(Parameter::numel).sum();
      long total = mov.namedParameters().values().stream().mapToLong(Parameter::numel).sum();
      var parts = mov.parameterBreakdown();
      assertEquals(total, parts.stream().mapToLong(dev.vlt.models.ParameterBreakdown.Part::count).sum());
      assertEquals(startCount, parts.get(0).count() + parts.get(1).count(), parts.toString());
      assertTrue(parts.stream().allMatch(p -> p.count() > 0), parts.toString());
    }
  }

  @Test
  void flowAndAudioInputsHaveTheirShapesAndSeeMotion() {
    ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(64).withObjects(1, 1));
    MovConfig cfg = MovConfig.over(new OmniVlConfig(8, 8, VitConfig.of(64, 16, 16, 1, 2, 0),
        new TextConfig(8, 64, 16, 1, 2, 4.0, "argmax", null), Math.log(1 / 0.07)));
    assertEquals(32, cfg.flowSize());
    try (NDManager m = NDManager.newBaseManager()) {
      for (Motion motion : List.of(Motion.MOVE_RIGHT, Motion.MOVE_LEFT, Motion.MOVE_UP, Motion.MOVE_DOWN)) {
        ShapesClip clip = firstClip(world, motion);
        NDArray clips = normalised(m, clip);                                              // [1, 3, 8, 64, 64]
        NDArray flow = MovInputs.flow(clips, cfg);
        assertEquals(new Shape(1, 3, 7, 64, 64), flow.getShape());
        // the mean flow where it is strong (over 1 px a frame) points mostly the way the object moves (a plain-coloured
        // object shows its motion only across its edges, so slanted edges add some flow across it: the aperture problem)
        float[] u = flow.get("0, 0").toFloatArray(), v = flow.get("0, 1").toFloatArray(), mag = flow.get("0, 2").toFloatArray();
        double su = 0, sv = 0;
        for (int i = 0; i < u.length; i++) {
          if (mag[i] > 0.5) {
            su += u[i];
            sv += v[i];
          }
        }
        double along = switch (motion) {
          case MOVE_RIGHT -> su;
          case MOVE_LEFT -> -su;
          case MOVE_UP -> -sv;
          default -> sv;
        };
        double across = motion.name().contains("UP") || motion.name().contains("DOWN") ? su : sv;
        assertTrue(along > Math.abs(across), motion + ": mean flow (" + su + ", " + sv + ")");
      }
      ShapesClip clip = firstClip(world, Motion.GROW);
      float[] image = MovInputs.audioImage(clip.audio(), ShapesClip.SAMPLE_RATE, 64);
      assertEquals(3 * 64 * 64, image.length);
      double mean = 0;
      for (float x : image) mean += x / image.length;
      assertEquals(0, mean, 1e-3, "standardised");
      NDArray batch = MovInputs.audio(java.util.Arrays.asList(new dev.vlt.data.video.Video.Sound(clip.audio(), ShapesClip.SAMPLE_RATE), null), 64, m);
      assertEquals(new Shape(2, 3, 64, 64), batch.getShape());
      assertEquals(0f, batch.get("1").abs().max().getFloat(), "a clip without sound is all zero");
      assertEquals(null, MovInputs.audio(java.util.Arrays.asList(null, null), 64, m), "no sound at all: no audio tokens");
      float[] silent = MovInputs.audioImage(new float[16000], ShapesClip.SAMPLE_RATE, 64);
      for (float x : silent) assertEquals(0f, x, 1e-6f);
    }
  }

  private static ShapesClip firstClip(ShapesWorld world, Motion motion) {
    for (long i = 0; ; i++) {
      ShapesClip c = world.clip(Split.TRAIN, i);
      if (c.motion() == motion) return c;
    }
  }

  /** A clip as CLIP-normalised pixels [1, 3, T, S, S]. */
  private static NDArray normalised(NDManager m, ShapesClip clip) {
    int s = clip.imageSize(), t = clip.frameCount();
    float[] mean = {0.48145466f, 0.4578275f, 0.40821073f}, std = {0.26862954f, 0.26130258f, 0.27577711f};
    float[] out = new float[3 * t * s * s];
    for (int f = 0; f < t; f++) {
      int[] px = clip.frames()[f];
      for (int i = 0; i < s * s; i++) {
        for (int c = 0; c < 3; c++) {
          float v = ((px[i] >> (16 - 8 * c)) & 0xff) / 255f;
          out[(c * t + f) * s * s + i] = (v - mean[c]) / std[c];
        }
      }
    }
    return m.create(out, new Shape(1, 3, t, s, s));
  }

  @Test
  void configReadsStrictlyAndTheFolderRoundTrips() throws Exception {
    MovConfig c = tiny();
    ObjectMapper json = new ObjectMapper();
    assertEquals(c, MovConfig.fromJson(c.toJson(json)));
    ObjectNode unknown = c.toJson(json);
    ((ObjectNode) unknown.get(MovConfig.KEY)).put("fusion_layer", 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MovConfig.fromJson(unknown));
    assertTrue(e.getMessage().contains("fusion_layer"), e.getMessage());
    ObjectNode missing = c.toJson(json);
    missing.remove(MovConfig.KEY);
    e = assertThrows(IllegalArgumentException.class, () -> MovConfig.fromJson(missing));
    assertTrue(e.getMessage().contains(MovConfig.KEY), e.getMessage());
    ObjectNode heads = c.toJson(json);
    ((ObjectNode) heads.get(MovConfig.KEY)).put("fusion_heads", 3);
    e = assertThrows(IllegalArgumentException.class, () -> MovConfig.fromJson(heads));
    assertTrue(e.getMessage().contains("fusion_heads"), e.getMessage());
    ObjectNode size = c.toJson(json);
    ((ObjectNode) size.get(MovConfig.KEY)).put("flow_size", 12);
    e = assertThrows(IllegalArgumentException.class, () -> MovConfig.fromJson(size));
    assertTrue(e.getMessage().contains("flow_size"), e.getMessage());
    JsonNode defaults = json.readTree("{\"mov_cfg\": {}}");
    ObjectNode withDefaults = c.base().toJson(json);
    withDefaults.set(MovConfig.KEY, defaults.get(MovConfig.KEY));
    assertEquals(MovConfig.over(c.base()), MovConfig.fromJson(withDefaults));

    try (LoadedModel made = Models.create("mov-shapes-small", 2)) {
      assertEquals(Architectures.MOV, made.architecture());
      assertTrue(made.has(Capability.VIDEO_EMBEDDING) && made.has(Capability.IMAGE_TEXT_SIMILARITY));
      assertEquals(made.config(), MovConfig.fromJson(made.config().toJson(json)));
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
  void startsOnlyFromAnOmniVlOfItsOwnShape() {
    try (NDManager m = NDManager.newBaseManager(); LoadedModel other = Models.create("omnivl-shapes-small", 1)) {
      Mov mov = tiny().create();
      mov.initialize(m, 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mov.initFrom((OmniVl) other.module(), m));
      assertTrue(e.getMessage().contains("differs"), e.getMessage());
    }
  }
}
