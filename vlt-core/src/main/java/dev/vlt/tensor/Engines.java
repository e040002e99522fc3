package dev.vlt.tensor;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** Starts DJL's PyTorch engine once, offline, with the requested thread count. */
public final class Engines {
  private static volatile boolean started;

  private Engines() {}

  public static void ensureStarted() {
    if (started) return;
    synchronized (Engines.class) {
      if (started) return;
      if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
      Engine.getEngine("PyTorch");
      String omp = System.getenv("OMP_NUM_THREADS");
      if (omp != null && omp.matches("\\d+")) setThreads(Integer.parseInt(omp));
      started = true;
    }
  }

  /** Intra-op threads for the whole process (OMP_NUM_THREADS also applies; this covers in-process changes). */
  public static void setThreads(int threads) {
    if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
  }

  public static int threads() {
    ensureStarted();
    return JniUtils.getNumThreads();
  }

  /**
   * Which oneMKL kernels fp32 matrix products get. On AMD processors oneMKL takes a generic path unless the launcher
   * preloads native/mkl-on-amd.c (about half the speed of its AVX-512 kernels on Zen 5); the text says which applies.
   */
  public static String mklDispatch() {
    boolean amd;
    try {
      amd = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo")).contains("AuthenticAMD");
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown (no /proc/cpuinfo)";
    }
    if (!amd) return "oneMKL's own choice (not an AMD processor)";
    String preload = System.getenv("LD_PRELOAD");
    return preload != null && preload.contains("libvlt-mkl-amd")
        ? "by CPU features on AMD (native/mkl-on-amd.c preloaded)"
        : "generic path on AMD: slow; run through ./vlt, which preloads native/mkl-on-amd.c";
  }
}
