package dev.vlt.models.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vlt.models.vit.Vit;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * TimeSformer-style divided attention built from an image ViT: it starts as the image model frame by frame, its keys
 * are the image trunk's plus the temporal parts, and gradients reach the temporal parts (first temporal_fc, then,
 * once it has moved, the temporal attention behind it).
 */
class DividedVitTest {
  private static Vit image(NDManager m, String pool, boolean classToken) {
    Vit vit = new Vit(VitConfig.of(16, 4, 16, 2, 2, 5).withPool(pool, classToken));
    vit.initialize(m, 41);
    return vit;
  }

  @ParameterizedTest
  @CsvSource({"token, true", "avg, true", "map, false"})
  void startsAsTheImageModelOnEveryFrame(String pool, boolean classToken) {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Vit vit = image(m, pool, classToken);
      DividedVit video = DividedVit.fromImage(vit, 3, m);
      NDArray clip = m.randomNormal(new Shape(2, 3, 3, 16, 16));                    // [B, C, T, S, S], frames differ
      NDArray features = video.forwardFeatures(clip, Trace.NONE);                   // [B, T, P+N, W]
      NDArray frames = clip.transpose(0, 2, 1, 3, 4).reshape(6, 3, 16, 16);
      NDArray expected = vit.forwardFeatures(frames, Trace.NONE);                   // [B·T, P+N, W]
      long tokens = 16 + (classToken ? 1 : 0);
      assertEquals(new Shape(2, 3, tokens, 16), features.getShape());
      float diff = features.reshape(6, tokens, 16).sub(expected).abs().max().getFloat();
      System.out.printf("divided (%s): max |video − image per frame| = %s%n", pool, diff);
      assertEquals(0f, diff, "a fresh temporal branch adds exactly zero");
      assertEquals(new Shape(2, 16), video.pooled(features).getShape());
    }
  }

  @Test
  void tubeletsStartAsTheImageOnStillRunsAndSeeMotionInOneToken() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Vit vit = image(m, "token", true);
      DividedVit video = DividedVit.fromImage(vit, 4, 2, m);
      assertEquals(new Shape(16, 3, 2, 4, 4), video.namedParameters().get("patch_embed.proj.weight").shape());
      assertEquals(new Shape(1, 2, 16), video.namedParameters().get("time_embed").shape(), "one time step per tubelet");
      NDArray a = m.randomNormal(new Shape(2, 3, 1, 16, 16)), b = m.randomNormal(new Shape(2, 3, 1, 16, 16));
      // two still tubelets (a a b b): each time step is the image model on its frame
      NDArray clip = a.repeat(2, 2).concat(b.repeat(2, 2), 2);                       // [B, C, 4, S, S]
      NDArray features = video.forwardFeatures(clip, Trace.NONE);                   // [B, 2, P+N, W]
      assertEquals(new Shape(2, 2, 17, 16), features.getShape());
      NDArray expected = vit.forwardFeatures(a.squeeze(2).concat(b.squeeze(2), 0), Trace.NONE);   // [2B, P+N, W]
      NDArray got = features.transpose(1, 0, 2, 3).reshape(4, 17, 16);
      assertEquals(0f, got.sub(expected).abs().max().getFloat(), 1e-5f, "the inflated kernel embeds a still tubelet as the image");
      // an image is one still tubelet, the image model
      NDArray image = video.forwardFeatures(a, Trace.NONE);
      assertEquals(0f, image.squeeze(1).sub(vit.forwardFeatures(a.squeeze(2), Trace.NONE)).abs().max().getFloat(), 1e-5f);
      // a tubelet token sees the change inside its two frames: (a b) and (b a) differ before any temporal part moves
      NDArray ab = a.concat(b, 2), ba = b.concat(a, 2);
      NDArray x = ab.concat(ab, 2), y = ba.concat(ba, 2);
      float order = video.forwardFeatures(x, Trace.NONE).sub(video.forwardFeatures(y, Trace.NONE)).abs().max().getFloat();
      assertEquals(0f, order, 1e-5f, "inflated (time-uniform) kernels cannot tell (a b) from (b a) yet");
      Parameter k = video.namedParameters().get("patch_embed.proj.weight");
      k.value().set(m.randomNormal(k.shape()).mul(0.1).toFloatArray());
      order = video.forwardFeatures(x, Trace.NONE).sub(video.forwardFeatures(y, Trace.NONE)).abs().max().getFloat();
      assertTrue(order > 1e-3, "a trained kernel that weighs the two frames differently does: " + order);
      assertThrows(IllegalArgumentException.class, () -> new DividedVit(vit.config(), 5, 2));
    }
  }

  @Test
  void keysAreTheImageTrunkPlusTheTemporalParts() {
    try (NDManager m = NDManager.newBaseManager()) {
      Vit vit = image(m, "token", true);
      DividedVit video = new DividedVit(vit.config(), 4);
      Set<String> trunk = new HashSet<>(vit.namedParameters().keySet());
      trunk.removeIf(k -> k.startsWith("head."));
      Set<String> keys = video.namedParameters().keySet();
      assertTrue(keys.containsAll(trunk));
      Set<String> extra = new HashSet<>(keys);
      extra.removeAll(trunk);
      assertTrue(extra.remove("time_embed"));
      assertTrue(extra.stream().allMatch(k -> k.matches("blocks\\.[01]\\.temporal_(norm1|attn|fc)\\..*")), extra.toString());
      assertEquals(2 * 8, extra.size());
      assertEquals(new Shape(1, 4, 16), video.namedParameters().get("time_embed").shape());
    }
  }

  @Test
  void gradientsReachTheTemporalParts() {
    try (NDManager m = NDManager.newBaseManager()) {
      Vit vit = image(m, "token", true);
      DividedVit video = DividedVit.fromImage(vit, 3, m);
      NDArray clip = m.randomNormal(new Shape(2, 3, 3, 16, 16));
      NDArray r = m.randomNormal(new Shape(2, 16));
      Map<String, float[]> first = gradients(video, clip, r);
      for (Map.Entry<String, float[]> e : first.entrySet()) {
        for (float x : e.getValue()) assertTrue(Float.isFinite(x), e.getKey());
      }
      assertTrue(nonZero(first.get("blocks.0.temporal_fc.weight")), "temporal_fc learns from the first step");
      assertTrue(nonZero(first.get("time_embed")));
      // behind a zero temporal_fc the temporal attention gets exactly nothing...
      assertTrue(!nonZero(first.get("blocks.0.temporal_attn.qkv.weight")));
      // ...until temporal_fc has moved: one plain gradient step on it, then every temporal parameter learns
      try (NoGrad ng = NoGrad.open()) {
        for (int i = 0; i < 2; i++) {
          Parameter fc = video.namedParameters().get("blocks." + i + ".temporal_fc.weight");
          fc.set(fc.value().sub(fc.value().getGradient().mul(10f)));
        }
      }
      for (Parameter p : video.namedParameters().values()) p.value().getGradient().subi(p.value().getGradient());
      Map<String, float[]> second = gradients(video, clip, r);
      second.forEach((k, g) -> assertTrue(nonZero(g), k + " got no gradient after temporal_fc moved"));
    }
  }

  @Test
  void fromScratchTheFirstGradientAlreadySeesFrameOrder() {
    try (NDManager m = NDManager.newBaseManager()) {
      DividedVit video = new DividedVit(image(m, "token", true).config(), 3);
      video.initialize(m, 5);
      NDArray clip = m.randomNormal(new Shape(2, 3, 3, 16, 16));
      NDArray r = m.randomNormal(new Shape(2, 16));
      float[] forward = gradients(video, clip, r).get("blocks.0.temporal_fc.weight");
      for (Parameter p : video.namedParameters().values()) p.value().getGradient().subi(p.value().getGradient());
      float[] reversed = gradients(video, clip.flip(2), r).get("blocks.0.temporal_fc.weight");
      float most = 0;
      for (int i = 0; i < forward.length; i++) most = Math.max(most, Math.abs(forward[i] - reversed[i]));
      // with time_embed at zero both would be equal exactly (a bag of frames: reversal only permutes the sum's terms)
      assertTrue(most > 1e-5, "temporal_fc's gradient differs for a clip and its reverse: " + most);
    }
  }

  private static Map<String, float[]> gradients(DividedVit video, NDArray clip, NDArray r) {
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(video.pooled(video.forwardFeatures(clip, Trace.NONE)).mul(r).sum());
    }
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    video.namedParameters().forEach((k, p) -> out.put(k, p.value().getGradient().toFloatArray()));
    return out;
  }

  private static boolean nonZero(float[] g) {
    for (float x : g) if (x != 0) return true;
    return false;
  }

  @Test
  void aClipOfTheWrongLengthIsRefused() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      DividedVit video = DividedVit.fromImage(image(m, "token", true), 3, m);
      String msg = assertThrows(IllegalArgumentException.class,
          () -> video.forwardFeatures(m.zeros(new Shape(1, 3, 4, 16, 16)), Trace.NONE)).getMessage();
      assertTrue(msg.contains("[B, C, 3, H, W]"), msg);
    }
  }
}
