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
}
