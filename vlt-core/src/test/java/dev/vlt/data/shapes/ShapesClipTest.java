package dev.vlt.data.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Video clips do what their captions say, measured on the pixels; the audio has the promised length, level and pitch. */
class ShapesClipTest {
  private static final Pattern CAPTION = Pattern.compile(
      "an? " + SceneOracle.COLOR + " " + SceneOracle.SHAPE + " (moves to the left|moves to the right|moves up|moves down|grows|shrinks|turns " + SceneOracle.COLOR + ")");
  private final ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withVideoFrames(12));

  @Test
  void framesMoveAsCaptioned() {
    Set<Motion> seen = EnumSet.noneOf(Motion.class);
    for (int i = 0; i < 120; i++) {
      ShapesClip c = world.clip(Split.TRAIN, i);
      assertEquals(12, c.frameCount());
      Matcher m = CAPTION.matcher(c.caption());
      assertTrue(m.matches(), c.caption());
      int color = Color.parse(m.group(1)).rgb();
      String verb = m.group(3);
      // the moving object's pixels: exact colour matches inside the region it sweeps (the still objects stay outside it)
      Box path = c.scenes().get(0).get(0).box().union(c.scenes().get(c.frameCount() - 1).get(0).box());
      double[] first = measure(c.frames()[0], color, path), last = measure(c.frames()[c.frameCount() - 1], color, path);
      double travel = Motion.TRAVEL * 64;
      String where = "clip " + i + " '" + c.caption() + "'";
      switch (verb) {
        case "moves to the left" -> assertEquals(-travel, last[1] - first[1], 1.0, where);
        case "moves to the right" -> assertEquals(travel, last[1] - first[1], 1.0, where);
        case "moves up" -> assertEquals(-travel, last[2] - first[2], 1.0, where);
        case "moves down" -> assertEquals(travel, last[2] - first[2], 1.0, where);
        case "grows" -> assertTrue(last[0] > 2 * first[0], where + " area " + first[0] + " -> " + last[0]);
        case "shrinks" -> assertTrue(first[0] > 2 * last[0], where + " area " + first[0] + " -> " + last[0]);
        default -> {
          int after = Color.parse(m.group(4)).rgb();
          assertTrue(first[0] > 0 && last[0] == 0, where + ": old colour still there");
          assertTrue(measure(c.frames()[c.frameCount() - 1], after, path)[0] > 0, where + ": new colour missing");
        }
      }
      if (verb.startsWith("moves")) {
        // monotone: no frame steps backwards
        for (int f = 1; f < c.frameCount(); f++) {
          double[] prev = measure(c.frames()[f - 1], color, path), cur = measure(c.frames()[f], color, path);
          double step = verb.endsWith("left") ? prev[1] - cur[1] : verb.endsWith("right") ? cur[1] - prev[1]
              : verb.endsWith("up") ? prev[2] - cur[2] : cur[2] - prev[2];
          assertTrue(step > 0, where + " frame " + f + " step " + step);
        }
      }
      seen.add(c.motion());
    }
    assertEquals(EnumSet.allOf(Motion.class), seen);
  }

  @Test
  void audioHasOneFramesWorthPerFrameAndIsNotSilent() {
    for (int i = 0; i < 40; i++) {
      ShapesClip c = world.clip(Split.VAL, i);
      assertEquals(c.frameCount() * ShapesClip.FRAME_SAMPLES, c.audio().length);
      assertEquals(c.frameCount() / 8.0, c.seconds(), 1e-9);
      double sum = 0;
      float peak = 0;
      for (float v : c.audio()) {
        sum += v * v;
        peak = Math.max(peak, Math.abs(v));
      }
      assertTrue(Math.sqrt(sum / c.audio().length) > 0.05, "clip " + i + " is silent");
      assertTrue(peak <= 1, "clip " + i + " clips: " + peak);
    }
  }

  @Test
  void pitchGlidesWithHorizontalMotionAndBeatsWithVertical() {
    int checked = 0;
    for (int i = 0; i < 60; i++) {
      ShapesClip c = world.clip(Split.TRAIN, i);
      float[] a = c.audio();
      int fs = ShapesClip.FRAME_SAMPLES;
      // pitch of the last frame over the first; a glide of a fifth over the clip gives 1.5^(11/12) between their middles
      double ratio = period(a, 0, fs) / period(a, a.length - fs, a.length);
      switch (c.motion()) {
        case MOVE_RIGHT -> assertEquals(Math.pow(1.5, 11 / 12.0), ratio, 0.05, "clip " + i);
        case MOVE_LEFT -> assertEquals(Math.pow(1.5, -11 / 12.0), ratio, 0.03, "clip " + i);
        case MOVE_UP -> assertTrue(rms(a, 3 * fs + 100, 3 * fs + 400) > 4 * rms(a, 3 * fs - 300, 3 * fs), "clip " + i + " no beat");
        default -> assertEquals(1.0, ratio, 0.02, "clip " + i + " " + c.motion());
      }
      checked++;
    }
    assertEquals(60, checked);
  }

  @Test
  void clipsAreDeterministicAndKeepHeldOutCombosOutOfTrain() {
    ShapesClip a = world.clip(Split.TRAIN, 9), b = new ShapesWorld(world.config()).clip(Split.TRAIN, 9);
    assertArrayEquals(a.audio(), b.audio());
    for (int f = 0; f < a.frameCount(); f++) assertArrayEquals(a.frames()[f], b.frames()[f]);
    assertFalse(java.util.Arrays.equals(a.frames()[0], world.clip(Split.TRAIN, 10).frames()[0]));
    for (int i = 0; i < 150; i++) {
      for (Scene s : world.clip(Split.TRAIN, i).scenes()) {
        for (ShapeObject o : s.objects()) assertFalse(ShapesWorldConfig.DEFAULT_HELD_OUT.contains(o.combo()), "clip " + i);
      }
    }
  }

  /** [pixel count, centroid x, centroid y] of the pixels of exactly colour rgb inside box. */
  private static double[] measure(int[] frame, int rgb, Box box) {
    double n = 0, sx = 0, sy = 0;
    for (int y = box.y0(); y < box.y1(); y++) {
      for (int x = box.x0(); x < box.x1(); x++) {
        if (frame[y * 64 + x] == rgb) {
          n++;
          sx += x;
          sy += y;
        }
      }
    }
    return new double[] {n, n == 0 ? Double.NaN : sx / n, n == 0 ? Double.NaN : sy / n};
  }

  /**
   * The fundamental period in samples over [from, to): the shortest lag whose autocorrelation comes within 5% of the best
   * (multiples of the period correlate as well; harmonics and timbre changes do not move it).
   */
  private static double period(float[] a, int from, int to) {
    int minLag = ShapesClip.SAMPLE_RATE / 1000, maxLag = ShapesClip.SAMPLE_RATE / 100;
    double[] r = new double[maxLag + 1];
    double best = 0;
    for (int lag = minLag; lag <= maxLag; lag++) {
      for (int i = from; i + lag < to; i++) r[lag] += a[i] * a[i + lag];
      r[lag] /= to - from - lag;
      best = Math.max(best, r[lag]);
    }
    for (int lag = minLag + 1; lag < maxLag; lag++) if (r[lag] >= 0.95 * best && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1]) return lag;
    throw new AssertionError("no period found");
  }

  private static double rms(float[] a, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) s += a[i] * a[i];
    return Math.sqrt(s / (to - from));
  }
}
