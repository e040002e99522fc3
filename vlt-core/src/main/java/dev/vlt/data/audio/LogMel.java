package dev.vlt.data.audio;

/**
 * Log-mel spectrogram of mono PCM, as audio transformers take it (AST, and MOV's audio input): a Hann window of
 * {@code windowLength} samples every {@code hop} samples, zero-padded to {@code nFft} (a power of two), the power spectrum,
 * {@code mels} triangular filters evenly spaced on the HTK mel scale (mel = 2595·log10(1 + f/700)) between 0 Hz and
 * Nyquist, then the natural log with a floor of 1e-10. Frames are centred on multiples of the hop, the signal
 * zero-padded by half a window at each end (torch.stft's center=True with zero padding).
 *
 * @param sampleRate samples per second
 */
public record LogMel(int sampleRate, int nFft, int windowLength, int hop, int mels) {
  public LogMel {
    if (sampleRate <= 0) throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
    if (nFft < 2 || Integer.bitCount(nFft) != 1) throw new IllegalArgumentException("n_fft must be a power of two, got " + nFft);
    if (windowLength < 2 || windowLength > nFft) throw new IllegalArgumentException("window " + windowLength + " must be in 2.." + nFft);
    if (hop < 1) throw new IllegalArgumentException("hop must be at least 1, got " + hop);
    if (mels < 1 || mels > nFft / 2) throw new IllegalArgumentException("mels must be in 1.." + nFft / 2 + ", got " + mels);
  }

  /** 25 ms windows every 10 ms, 64 mel bands (AST's and VGGish's framing) at {@code sampleRate}. */
  public static LogMel standard(int sampleRate) {
    int window = sampleRate / 40;
    return new LogMel(sampleRate, Integer.highestOneBit(window - 1) << 1, window, sampleRate / 100, 64);
  }

  /** The spectrogram [frames][mels], frames = 1 + samples / hop. */
  public float[][] compute(float[] pcm) {
    int frames = 1 + pcm.length / hop;
    double[][] filters = filterBank();
    double[] window = new double[windowLength];
    for (int i = 0; i < windowLength; i++) window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / windowLength);  // periodic Hann
    float[][] out = new float[frames][mels];
    double[] re = new double[nFft], im = new double[nFft];
    int left = (nFft - windowLength) / 2;                    // the window sits in the middle of the FFT frame, as torch.stft
    for (int t = 0; t < frames; t++) {
      java.util.Arrays.fill(re, 0);
      java.util.Arrays.fill(im, 0);
      int start = t * hop - nFft / 2;
      for (int i = 0; i < windowLength; i++) {
        int s = start + left + i;
        if (s >= 0 && s < pcm.length) re[left + i] = pcm[s] * window[i];
      }
      fft(re, im);
      for (int m = 0; m < mels; m++) {
        double e = 0;
        for (int k = 0; k <= nFft / 2; k++) if (filters[m][k] != 0) e += filters[m][k] * (re[k] * re[k] + im[k] * im[k]);
        out[t][m] = (float) Math.log(Math.max(e, 1e-10));
      }
    }
    return out;
  }

  /** The centre frequency of mel band m in Hz. */
  public double centreHz(int m) {
    double top = hzToMel(sampleRate / 2.0);
    return melToHz(top * (m + 1) / (mels + 1));
  }

  /** Triangular filters [mels][nFft/2 + 1] on the HTK mel scale, peak 1 (no area normalisation). */
  double[][] filterBank() {
    int bins = nFft / 2 + 1;
    double top = hzToMel(sampleRate / 2.0);
    double[] edges = new double[mels + 2];
    for (int i = 0; i < edges.length; i++) edges[i] = melToHz(top * i / (mels + 1));
    double[][] f = new double[mels][bins];
    for (int m = 0; m < mels; m++) {
      for (int k = 0; k < bins; k++) {
        double hz = (double) k * sampleRate / nFft;
        double up = (hz - edges[m]) / (edges[m + 1] - edges[m]), down = (edges[m + 2] - hz) / (edges[m + 2] - edges[m + 1]);
        f[m][k] = Math.max(0, Math.min(up, down));
      }
    }
    return f;
  }

  static double hzToMel(double hz) {
    return 2595 * Math.log10(1 + hz / 700);
  }

  static double melToHz(double mel) {
    return 700 * (Math.pow(10, mel / 2595) - 1);
  }

  /** In-place iterative radix-2 FFT (Cooley–Tukey), length a power of two. */
  static void fft(double[] re, double[] im) {
    int n = re.length;
    for (int i = 1, j = 0; i < n; i++) {
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    for (int len = 2; len <= n; len <<= 1) {
      double ang = -2 * Math.PI / len;
      for (int i = 0; i < n; i += len) {
        for (int k = 0; k < len / 2; k++) {
          double wr = Math.cos(ang * k), wi = Math.sin(ang * k);
          int a = i + k, b = i + k + len / 2;
          double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}
