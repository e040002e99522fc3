package dev.vlt.models.mov;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.audio.LogMel;
import dev.vlt.data.video.HornSchunck;
import dev.vlt.data.video.Video;
import java.util.stream.IntStream;

/**
 * MOV's two extra modalities as images the copies of the vision encoder take (the paper feeds flow and audio to the CLIP
 * image encoder with minimal changes): optical flow between consecutive frames as a 3-channel image per frame pair, and
 * the sound's log-mel spectrogram as one 3-channel image. Fixed, not learned: computed outside the autograd graph.
 */
public final class MovInputs {
  /**
   * CLIP's per-channel pixel std is 0.26–0.28: the luma of normalised pixels times this is the [0, 1] grey level up to a
   * constant, which brightness constancy ignores, so Horn–Schunck's α keeps its meaning in grey levels.
   */
  static final double PIXEL_STD = 0.27;
  /** Flow pixels (of the model's frame) per unit of the flow image: ShapesWorld moves travel ~3.7 px a frame at 64 px. */
  static final float FLOW_UNIT = 2f;
  /** The floor of the spectrogram's std in natural-log units, so a silent or constant track stays near zero, not noise. */
  static final float MIN_LOG_STD = 1f;

  private MovInputs() {}

  /**
   * clips [B, 3, T, S, S] normalised pixels → flow images [B, 3, T - 1, S, S]: for each pair of consecutive frames the
   * Horn–Schunck flow (computed at {@code cfg.flowSize()} px on the box-averaged luma, then repeated up to S), as channels
   * u, v (pixels of the S-px frame, divided by {@link #FLOW_UNIT}) and their magnitude. Pairs run in parallel.
   */
  public static NDArray flow(NDArray clips, MovConfig cfg) {
    Shape sh = clips.getShape();
    if (sh.dimension() != 5 || sh.get(1) != 3 || sh.get(2) < 2) throw new IllegalArgumentException("flow needs clips [B, 3, T >= 2, S, S], got " + sh);
    int b = (int) sh.get(0), t = (int) sh.get(2), s = (int) sh.get(3);
    int f = cfg.flowSize(), k = s / f;
    if (s != sh.get(4) || s % f != 0) throw new IllegalArgumentException("flow needs square frames divisible by " + f + ", got " + sh);
    float[] x = clips.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    HornSchunck hs = new HornSchunck(HornSchunck.defaults().alpha(), cfg.flowIterations(), cfg.flowLevels());
    int plane = s * s, pairs = t - 1;
    float[] out = new float[b * 3 * pairs * plane];
    IntStream.range(0, b * pairs).parallel().forEach(job -> {
      int bi = job / pairs, ti = job % pairs;
      HornSchunck.Flow fl = hs.flow(grey(x, bi, ti, t, s, k), grey(x, bi, ti + 1, t, s, k), f, f);
      for (int y = 0; y < s; y++) {
        for (int xx = 0; xx < s; xx++) {
          int src = (y / k) * f + xx / k;
          float u = fl.u()[src] * k / FLOW_UNIT, v = fl.v()[src] * k / FLOW_UNIT;
          int at = y * s + xx;
          out[((bi * 3) * pairs + ti) * plane + at] = u;
          out[((bi * 3 + 1) * pairs + ti) * plane + at] = v;
          out[((bi * 3 + 2) * pairs + ti) * plane + at] = (float) Math.hypot(u, v);
        }
      }
    });
    return clips.getManager().create(out, new Shape(b, 3, pairs, s, s));
  }

  /** Frame t of clip b as grey levels (ITU-R 601 luma, see {@link #PIXEL_STD}) box-averaged by k: [(S/k)²]. */
  private static float[] grey(float[] x, int b, int t, int frames, int s, int k) {
    int f = s / k, plane = s * s;
    float[] g = new float[f * f];
    float[] w = {0.299f, 0.587f, 0.114f};
    for (int c = 0; c < 3; c++) {
      int base = ((b * 3 + c) * frames + t) * plane;
      for (int y = 0; y < s; y++) {
        for (int xx = 0; xx < s; xx++) g[(y / k) * f + xx / k] += w[c] * x[base + y * s + xx];
      }
    }
    float scale = (float) PIXEL_STD / (k * k);
    for (int i = 0; i < g.length; i++) g[i] *= scale;
    return g;
  }

  /** Sound tracks → spectrogram images [N, 3, S, S] in {@code manager} (a null track all zeros), or null when every track is null. */
  public static NDArray audio(java.util.List<Video.Sound> sounds, int size, NDManager manager) {
    if (sounds.stream().allMatch(java.util.Objects::isNull)) return null;
    int per = 3 * size * size;
    float[] out = new float[sounds.size() * per];
    IntStream.range(0, sounds.size()).parallel().forEach(i -> {
      Video.Sound s = sounds.get(i);
      if (s != null) System.arraycopy(audioImage(s.pcm(), s.sampleRate(), size), 0, out, i * per, per);
    });
    return manager.create(out, new Shape(sounds.size(), 3, size, size));
  }

  /**
   * A sound track → its log-mel spectrogram as an image [3·S·S] (channel, row, column): AST's framing (25 ms windows every
   * 10 ms, 64 mel bands), time along the columns (linearly resampled to S), mel bands along the rows (the lowest at the
   * bottom, resampled to S), standardised over the spectrogram (std floored at {@link #MIN_LOG_STD}), the same in all
   * three channels.
   */
  public static float[] audioImage(float[] pcm, int sampleRate, int size) {
    float[][] spec = LogMel.standard(sampleRate).compute(pcm);                     // [F][M]
    int frames = spec.length, mels = spec[0].length;
    float[] plane = new float[size * size];
    for (int row = 0; row < size; row++) {
      double mp = (size - 1 - row + 0.5) * mels / size - 0.5;
      int m0 = (int) Math.max(0, Math.min(mels - 1, Math.floor(mp))), m1 = Math.min(mels - 1, m0 + 1);
      double fm = Math.max(0, Math.min(1, mp - m0));
      for (int col = 0; col < size; col++) {
        double tp = size == 1 ? 0 : (double) col * (frames - 1) / (size - 1);
        int t0 = (int) Math.floor(tp), t1 = Math.min(frames - 1, t0 + 1);
        double ft = tp - t0;
        double top = spec[t0][m0] * (1 - ft) + spec[t1][m0] * ft, bottom = spec[t0][m1] * (1 - ft) + spec[t1][m1] * ft;
        plane[row * size + col] = (float) (top * (1 - fm) + bottom * fm);
      }
    }
    double mean = 0, sq = 0;
    for (float v : plane) mean += v;
    mean /= plane.length;
    for (float v : plane) sq += (v - mean) * (v - mean);
    double std = Math.max(MIN_LOG_STD, Math.sqrt(sq / plane.length));
    float[] out = new float[3 * plane.length];
    for (int i = 0; i < plane.length; i++) {
      float v = (float) ((plane[i] - mean) / std);
      out[i] = out[plane.length + i] = out[2 * plane.length + i] = v;
    }
    return out;
  }
}
