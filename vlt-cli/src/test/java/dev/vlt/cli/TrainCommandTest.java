package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlt train} in child JVMs: a run killed with SIGKILL, or stopped with Ctrl-C (SIGINT), and then resumed logs the
 * same loss at every step as a run that was never interrupted.
 */
class TrainCommandTest {
  /** The tiny CLIP on 32 px shapes: 8 pairs per step, 5 steps per epoch (a checkpoint each), 30 steps. */
  static final List<String> RUN = List.of("--model", "tiny", "--batch-size", "8", "--train-num-samples", "40", "--epochs", "6",
      "--zeroshot-frequency", "0");
  static final long TIMEOUT_S = 300;
  @TempDir static Path tmp;
  static List<Double> reference;

  @BeforeAll
  static void uninterruptedRun() throws Exception {
    Child a = Child.train(tmp.resolve("a"), RUN);
    assertEquals(0, a.exitCode(), a.output());
    assertTrue(Files.isRegularFile(tmp.resolve("a/model/open_clip_model.safetensors")), "the final model folder is written");
    assertTrue(Files.isRegularFile(tmp.resolve("a/model/vocab.json")), "the model folder carries its tokenizer");
    assertTrue(Files.isRegularFile(tmp.resolve("a/plots/loss.png")));
    reference = losses(tmp.resolve("a"));
    assertEquals(30, reference.size());
  }

  @Test
  void killedAndResumedReproducesTheLosses() throws Exception {
    Path run = tmp.resolve("killed");
    Child b = Child.train(run, RUN, line -> line.contains("step-000010"));
    b.process.destroyForcibly();
    b.process.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
    assertFalse(Files.exists(run.resolve("model")), "killed before the end");
    Child c = Child.train(run, List.of("--resume"));
    assertEquals(0, c.exitCode(), c.output());
    assertTrue(c.output().contains("resuming " + run + " at step "), c.output());
    assertEquals(reference, losses(run));
  }

  /**
   * A CSV of real image-caption pairs (64 emoji written by `vlt data export`), decoded by two loader threads: killed
   * with SIGKILL right after a mid-epoch checkpoint (--save-every-n-steps), resumed, it logs the uninterrupted run's losses.
   */
  @Test
  void aKilledRunOnACsvResumesMidEpochToTheSameLosses() throws Exception {
    Path data = tmp.resolve("emoji");
    assertEquals(0, Vlt.execute("data", "export", "--data", "emoji:train", "--format", "csv", "--limit", "64", "--out", data.toString()));
    List<String> csvRun = List.of("--model", "tiny", "--data", data.resolve("pairs.csv").toString(), "--batch-size", "8",
        "--epochs", "3", "--save-every-n-steps", "4", "--zeroshot-frequency", "0", "--workers", "2");
    Child whole = Child.train(tmp.resolve("csv-whole"), csvRun);
    assertEquals(0, whole.exitCode(), whole.output());
    List<Double> expected = losses(tmp.resolve("csv-whole"));
    assertEquals(24, expected.size(), "64 pairs in steps of 8, 3 epochs");
    Path run = tmp.resolve("csv-killed");
    Child b = Child.train(run, csvRun, line -> line.contains("step-000012"));  // step 12: half-way through epoch 1
    b.process.destroyForcibly();
    b.process.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
    assertFalse(Files.exists(run.resolve("model")), "killed before the end");
    Child c = Child.train(run, List.of("--resume"));
    assertEquals(0, c.exitCode(), c.output());
    assertTrue(c.output().contains("resuming " + run + " at step "), c.output());
    assertEquals(expected, losses(run));
  }

  @Test
  void ctrlCSavesACheckpointAndResumesExactly() throws Exception {
    // A shell without job control starts background commands with SIGINT ignored, children inherit that, and a JVM that
    // starts with SIGINT ignored installs no handler: Ctrl-C cannot reach the child, so this test cannot say anything.
    assumeFalse(sigintIgnored(), "SIGINT is ignored in this process (started in the background by a shell without job control)");
    Path run = tmp.resolve("interrupted");
    Child d = Child.train(run, RUN, line -> line.contains("step-000010"));
    new ProcessBuilder("kill", "-INT", Long.toString(d.process.pid())).start().waitFor();
    assertEquals(130, d.exitCode(), d.output());
    String out = d.output();
    assertTrue(out.contains("stopped at step "), out);
    long stoppedAt = Long.parseLong(out.replaceAll("(?s).*stopped at step (\\d+).*", "$1"));
    assertTrue(stoppedAt >= 10 && stoppedAt < 30, "stopped at " + stoppedAt);
    assertTrue(Files.isDirectory(run.resolve(String.format("checkpoints/step-%06d", stoppedAt))), "checkpoint of the stop step");
    Child e = Child.train(run, List.of("--resume"));
    assertEquals(0, e.exitCode(), e.output());
    assertEquals(reference, losses(run));
  }

  /**
   * SIGTERM to a quickstart (several trainings in one process) stops the training under way at a step boundary with a
   * checkpoint, and the JVM exits with the signal's status (143); before, the JVM exited under a native backward pass and died with SIGSEGV in libtorch.
   */
  @Test
  void sigtermStopsAQuickstartAtAStepWithACheckpoint() throws Exception {
    Path out = tmp.resolve("quickstart-stopped");
    Child q = Child.start(List.of("quickstart", "--system", "clip", "--steps", "5000", "--out", out.toString(), "--threads", "1"),
        line -> line.matches(".*step \\d+/5000.*"));
    new ProcessBuilder("kill", "-TERM", Long.toString(q.process.pid())).start().waitFor();
    assertEquals(143, q.exitCode(), q.output());
    String text = q.output();
    assertTrue(text.contains("stopped at step ") && !text.contains("fatal error"), text);
    long step = Long.parseLong(text.replaceAll("(?s).*stopped at step (\\d+).*", "$1"));
    assertTrue(Files.isDirectory(out.resolve(String.format("train/checkpoints/step-%06d", step))), "checkpoint of the stop step");
    assertTrue(!Files.exists(out.resolve("eval")), "a stopped quickstart does not evaluate");
  }

  @Test
  void userMistakesAreOneLineErrors(@TempDir Path dir) throws IOException {
    assertEquals(2, exitWithError("holds no run", "train", "--resume", "--out", dir.toString()));
    Files.writeString(dir.resolve("config.json"), "{}");
    assertEquals(2, exitWithError("already holds a run", "train", "--out", dir.toString(), "--steps", "3"));
    assertEquals(2, exitWithError("drop --lr", "train", "--resume", "--out", dir.toString(), "--lr", "0.1"));
  }

  private static int exitWithError(String expected, String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Vlt.execute(args);
    } finally {
      System.setErr(old);
    }
    String err = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(err.startsWith("vlt: ") && err.contains(expected) && err.strip().lines().count() == 1, err);
    return code;
  }

  static List<Double> losses(Path run) throws IOException {
    List<Double> out = new ArrayList<>();
    long step = 0;
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      JsonNode n = TokenizeCommandTest.JSON.readTree(line);
      assertEquals(++step, n.get("step").asLong(), "one line per step, in order");
      out.add(n.get("loss").asDouble());
    }
    return out;
  }

  /** A {@code vlt train} child JVM on this test's classpath, one compute thread (bit-reproducible), output collected. */
  static final class Child {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder all = new StringBuilder();

    private Child(Process p) {
      this.process = p;
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (all) {
              all.append(line).append('\n');
            }
            lines.add(line);
          }
        } catch (IOException ignored) {
          // the process was killed
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    static Child train(Path out, List<String> args) throws IOException {
      List<String> all = new ArrayList<>(List.of("train", "--out", out.toString(), "--threads", "1"));
      all.addAll(args);
      return start(all);
    }

    /** Any vlt command line in a child JVM. */
    static Child start(List<String> args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          "-Xmx1g", Vlt.class.getName()));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("OMP_NUM_THREADS", "1");
      return new Child(pb.start());
    }

    /** Starts a run and returns once a line matches {@code until} (the process still running, unless it ended). */
    static Child train(Path out, List<String> args, Predicate<String> until) throws Exception {
      List<String> all = new ArrayList<>(List.of("train", "--out", out.toString(), "--threads", "1"));
      all.addAll(args);
      return start(all, until);
    }

    static Child start(List<String> args, Predicate<String> until) throws Exception {
      Child c = start(args);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
      while (System.nanoTime() < deadline) {
        String line = c.lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && until.test(line)) return c;
        if (line == null && !c.process.isAlive() && c.lines.isEmpty()) break;
      }
      c.process.destroyForcibly();
      throw new AssertionError("no line matched before the run ended:\n" + c.output());
    }

    int exitCode() throws InterruptedException {
      if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("vlt train did not finish in " + TIMEOUT_S + " s:\n" + output());
      }
      return process.exitValue();
    }

    String output() throws InterruptedException {
      Thread.sleep(50);  // let the reader take the last lines
      synchronized (all) {
        return all.toString();
      }
    }
  }

  /** Whether this process inherited SIGINT as ignored (bit 2 of SigIgn in /proc/self/status; Linux only). */
  private static boolean sigintIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) return false;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 1)) != 0;
    }
    return false;
  }
}
