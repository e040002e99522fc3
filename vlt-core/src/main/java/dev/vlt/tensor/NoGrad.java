package dev.vlt.tensor;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Inference scope: no autograd graph is recorded while open. PyTorch's grad mode is per thread and on by default for any
 * thread but the one that loaded the engine, so inference code must say so explicitly.
 */
public final class NoGrad implements AutoCloseable {
  private final boolean previous;

  private NoGrad() {
    previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
  }

  public static NoGrad open() {
    Engines.ensureStarted();
    return new NoGrad();
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previous);
  }
}
