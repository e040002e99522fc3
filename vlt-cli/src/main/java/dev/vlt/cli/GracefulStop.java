package dev.vlt.cli;

import dev.vlt.train.StopRequest;
import dev.vlt.train.TrainingStopped;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and SIGTERM for the commands that train ({@code train}, {@code quickstart}, {@code experiment}): a shutdown hook
 * raises the {@link StopRequest}, so the training under way checkpoints after its current step, and holds the JVM's exit
 * until the command has returned (at most ten minutes). Without it the JVM tears libtorch down under a running backward
 * pass and dies with SIGSEGV (seen twice on a SIGTERM'd quickstart and experiment). A command whose training a stop cut
 * short prints where the checkpoint is; the JVM then exits with the signal's status (130 for Ctrl-C, 143 for SIGTERM).
 */
final class GracefulStop {
  static final int STOPPED = 130;

  private GracefulStop() {}

  static int run(Callable<Integer> command) throws Exception {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      StopRequest.request();
      try {
        finished.await(10, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "vlt-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return command.call();
    } catch (TrainingStopped stopped) {
      System.out.println(stopped.getMessage());
      return STOPPED;
    } finally {
      System.out.flush();
      finished.countDown();  // after every line is printed and every native resource closed: the JVM may halt right after
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running and returns now
      }
    }
  }
}
