package dev.vlt.serve;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue in front of the model and the index: at most {@code workers} operations run, at most {@code queue}
 * more wait, and anything beyond is refused with 503 at once, so overload costs a quick refusal, never a pile-up.
 */
final class Admission {
  private final Semaphore admitted; // running + waiting
  private final Semaphore running;
  private final int capacity;
  private final Duration wait;

  Admission(int workers, int queue, Duration wait) {
    this.capacity = workers + queue;
    this.admitted = new Semaphore(capacity);
    this.running = new Semaphore(workers, true); // fair: first come, first served
    this.wait = wait;
  }

  /** A place in the queue, or 503. Close it when the request is done. */
  Ticket enter() {
    if (!admitted.tryAcquire()) {
      throw new HttpError(503, "server busy: " + capacity + " requests already running or queued; retry shortly");
    }
    return admitted::release;
  }

  /** Runs {@code work} once a worker is free (waiting at most the configured time, else 503). */
  <T> T run(Callable<T> work) throws Exception {
    if (!running.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new HttpError(503, "server busy: no worker free after " + wait.toSeconds() + " s; retry shortly");
    }
    try {
      return work.call();
    } finally {
      running.release();
    }
  }

  int inFlight() {
    return capacity - admitted.availablePermits();
  }

  int capacity() {
    return capacity;
  }

  /** A held place in the queue. */
  interface Ticket extends AutoCloseable {
    @Override
    void close();
  }
}
