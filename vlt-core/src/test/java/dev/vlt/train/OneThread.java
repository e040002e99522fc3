package dev.vlt.train;

import dev.vlt.tensor.Engines;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class on one compute thread and restores the count afterwards. The tiny models of these tests are too
 * small to gain from a second thread, and on a shared, busy machine two threads contending for a core make each step
 * several times slower; one thread also makes runs bit-reproducible.
 */
public final class OneThread implements BeforeAllCallback, AfterAllCallback {
  private int previous;

  @Override
  public void beforeAll(ExtensionContext context) {
    previous = Engines.threads();
    Engines.setThreads(1);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Engines.setThreads(previous);
  }
}
