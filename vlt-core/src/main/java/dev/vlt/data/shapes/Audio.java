package dev.vlt.data.shapes;

/**
 * The sound track of a clip, a pure function of what happens in it. The shape sets the pitch (a minor pentatonic step
 * above 220 Hz), the colour the timbre (which of harmonics 2–4 sound), and the motion the shape over time: moving right or
 * left glides the pitch up or down a fifth, moving up or down beats once per frame or once per two frames, growing and
 * shrinking swell or fade, and a colour change switches timbre at the frame where the colour switches.
 */
final class Audio {
  private static final double BASE_HZ = 220;
  private static final int[] SHAPE_SEMITONES = {0, 3, 5, 7, 10, 12};
  private static final double FIFTH = 1.5;
  /** Fade in/out length in samples (5 ms), so the track starts and ends without a click. */
  private static final int FADE = 80;

  private Audio() {}

  /** [frames · FRAME_SAMPLES] samples in [-1, 1] at 16 kHz. */
  static float[] track(Combo combo, Motion motion, Color newColor, int frames) {
    int fs = ShapesClip.FRAME_SAMPLES, n = frames * fs;
    double f0 = BASE_HZ * Math.pow(2, SHAPE_SEMITONES[combo.shape().ordinal()] / 12.0);
    double[] before = harmonics(combo.color()), after = harmonics(newColor == null ? combo.color() : newColor);
    float[] out = new float[n];
    double phase = 0;
    for (int i = 0; i < n; i++) {
      double t = (double) i / (n - 1);
      double hz = switch (motion) {
        case MOVE_RIGHT -> f0 * Math.pow(FIFTH, t);
        case MOVE_LEFT -> f0 * Math.pow(FIFTH, -t);
        default -> f0;
      };
      phase += 2 * Math.PI * hz / ShapesClip.SAMPLE_RATE;
      int frame = i / fs;
      double[] w = frame >= frames / 2 ? after : before;
      // harmonics 2-4 by angle-sum identities: two transcendental calls per sample instead of four
      double s1 = Math.sin(phase), c1 = Math.cos(phase);
      double s2 = 2 * s1 * c1, c2 = 1 - 2 * s1 * s1;
      double s3 = s2 * c1 + c2 * s1, s4 = 2 * s2 * c2;
      double v = w[0] * s1 + w[1] * s2 + w[2] * s3 + w[3] * s4;
      out[i] = (float) (0.5 * v * envelope(motion, i, fs, t) * fade(i, n));
    }
    return out;
  }

  /** Harmonic weights 1..4: the fundamental always, harmonics 2–4 by the bits of colour index + 1, normalised to sum 1. */
  private static double[] harmonics(Color c) {
    int bits = c.ordinal() + 1;
    double[] w = {1, (bits & 1) * 0.6, (bits >> 1 & 1) * 0.45, (bits >> 2 & 1) * 0.35};
    double sum = 0;
    for (double x : w) sum += x;
    for (int h = 0; h < w.length; h++) w[h] /= sum;
    return w;
  }

  private static double envelope(Motion motion, int i, int fs, double t) {
    return switch (motion) {
      case MOVE_UP -> beat((double) (i % fs) / fs);
      case MOVE_DOWN -> beat((double) (i % (2 * fs)) / (2 * fs));
      case GROW -> 0.15 + 0.85 * t;
      case SHRINK -> 1 - 0.85 * t;
      default -> 1;
    };
  }

  /** A struck note: quick attack, exponential decay over the beat (u in [0, 1)). */
  private static double beat(double u) {
    return Math.min(1, u * 50) * Math.exp(-4 * u);
  }

  private static double fade(int i, int n) {
    return Math.min(1, Math.min(i, n - 1 - i) / (double) FADE);
  }
}
