package dev.vlt.data.video;

import dev.vlt.data.image.Raster8;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A decoded video: its frames in display order, each a raster as an image file would decode to, so every frame goes
 * through the same (Pillow-exact) preprocessing as an image.
 *
 * @param source how messages name it (a path, a manifest entry)
 * @param sound the sound track over the whole video, or null (decoded files carry none yet; ShapesWorld clips do)
 */
public record Video(String source, List<Raster8> frames, Sound sound) {
  public Video {
    frames = List.copyOf(frames);
    if (frames.isEmpty()) throw new IllegalArgumentException(source + ": a video needs at least one frame");
  }

  /** A silent video. */
  public Video(String source, List<Raster8> frames) {
    this(source, frames, null);
  }

  /** Mono PCM in [-1, 1] at {@code sampleRate} samples per second, spanning the whole video (not only sampled frames). */
  public record Sound(float[] pcm, int sampleRate) {
    public Sound {
      if (sampleRate <= 0) throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
      if (pcm.length == 0) throw new IllegalArgumentException("a sound track needs at least one sample");
    }
  }

  public int length() {
    return frames.size();
  }

  /**
   * The {@code t} frames a model of {@code t} frames sees: TSN's uniform sampling, the centre of each of t equal segments
   * (a video shorter than t repeats frames, so a still image is a clip of t equal frames).
   */
  public List<Raster8> uniform(int t) {
    return pick(uniformIndices(length(), t));
  }

  /** Training's random sampling: one frame drawn from each of t equal segments, in order. */
  public List<Raster8> random(int t, SplittableRandom rng) {
    return pick(randomIndices(length(), t, rng));
  }

  /** Segment centres: index i of t is floor((i + ½)·n / t). */
  public static int[] uniformIndices(int n, int t) {
    check(n, t);
    int[] out = new int[t];
    for (int i = 0; i < t; i++) out[i] = (int) Math.floor((i + 0.5) * n / t);
    return out;
  }

  /** One index drawn uniformly from each segment [floor(i·n/t), floor((i+1)·n/t)), or the centre when it is empty. */
  public static int[] randomIndices(int n, int t, SplittableRandom rng) {
    check(n, t);
    int[] out = new int[t];
    for (int i = 0; i < t; i++) {
      int lo = (int) Math.floor((double) i * n / t), hi = (int) Math.floor((double) (i + 1) * n / t);
      out[i] = hi > lo ? lo + rng.nextInt(hi - lo) : (int) Math.floor((i + 0.5) * n / t);
    }
    return out;
  }

  private List<Raster8> pick(int[] indices) {
    List<Raster8> out = new ArrayList<>(indices.length);
    for (int i : indices) out.add(frames.get(i));
    return out;
  }

  private static void check(int n, int t) {
    if (n < 1) throw new IllegalArgumentException("a video needs at least one frame, got " + n);
    if (t < 1) throw new IllegalArgumentException("a clip needs at least one frame, got " + t);
  }
}
