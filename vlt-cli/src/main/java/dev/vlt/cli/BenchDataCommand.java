package dev.vlt.cli;

import ai.djl.ndarray.NDManager;
import dev.vlt.data.DataBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlt bench data}: images/s for JPEG decode + open_clip eval preprocessing, one thread and all threads. */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "Measure JPEG decoding + CLIP eval preprocessing (images/s), single-threaded and through the loader.")
public final class BenchDataCommand implements Callable<Integer> {
  /** What training a ViT-B/32 consumes on the reference machine (DESIGN.md, eager PyTorch, batch 16). */
  static final double VIT_B32_TRAIN_SAMPLES_PER_SECOND = 4.0;

  @Option(names = "--images", description = "JPEGs to generate and time (default: ${DEFAULT-VALUE})")
  int images = 300;

  @Option(names = "--width", description = "JPEG width (default: ${DEFAULT-VALUE})")
  int width = 500;

  @Option(names = "--height", description = "JPEG height (default: ${DEFAULT-VALUE})")
  int height = 375;

  @Option(names = "--size", description = "output side S of the [3, S, S] tensor (default: ${DEFAULT-VALUE})")
  int size = 224;

  @Option(names = "--threads", description = "loader workers (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--seed", description = "seed for the generated pictures (default: ${DEFAULT-VALUE})")
  long seed = 0;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (images < 1 || width < 1 || height < 1 || size < 1 || threads < 1) {
      throw new IllegalArgumentException("--images, --width, --height, --size and --threads must be positive");
    }
    Path dir = Files.createTempDirectory("vlt-bench-data");
    try (NDManager manager = NDManager.newBaseManager()) {
      List<Path> files = DataBench.writeJpegs(dir, images, width, height, seed);
      DataBench.Result r = DataBench.run(files, size, threads, manager);
      System.out.println(json ? toJson(r) : toText(r));
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
    return 0;
  }

  static String toText(DataBench.Result r) {
    int cores = Runtime.getRuntime().availableProcessors();
    return String.format(Locale.ROOT,
        "bench data: %d JPEGs %dx%d -> [3, %d, %d] (decode + eval preprocess, bicubic)%n"
            + "  1 thread : %7.1f images/s  (%.1f per CPU-second; decode %.2f ms + preprocess %.2f ms per image)%n"
            + "  %d thread%s: %7.1f images/s  (loader, batch 32, NDArray collation)%n"
            + "  load average %.1f on %d cores%s%n"
            + "  ViT-B/32 training consumes about %.0f samples/s here: %.0fx headroom",
        r.images(), r.width(), r.height(), r.size(), r.size(), r.singleThreadPerSecond(), r.singleThreadPerCpuSecond(),
        r.decodeMs(), r.preprocessMs(), r.threads(), r.threads() == 1 ? " " : "s", r.loaderPerSecond(), r.loadAverage(), cores,
        r.loadAverage() > cores ? " (other processes share the CPU: wall-clock figures are low)" : "",
        VIT_B32_TRAIN_SAMPLES_PER_SECOND, r.loaderPerSecond() / VIT_B32_TRAIN_SAMPLES_PER_SECOND);
  }

  static String toJson(DataBench.Result r) {
    return String.format(Locale.ROOT,
        "{\"images\": %d, \"width\": %d, \"height\": %d, \"size\": %d, \"threads\": %d, \"single_thread_images_per_s\": %.2f,"
            + " \"single_thread_images_per_cpu_s\": %.2f, \"decode_ms\": %.3f, \"preprocess_ms\": %.3f,"
            + " \"loader_images_per_s\": %.2f, \"load_average\": %.2f}",
        r.images(), r.width(), r.height(), r.size(), r.threads(), r.singleThreadPerSecond(), r.singleThreadPerCpuSecond(),
        r.decodeMs(), r.preprocessMs(), r.loaderPerSecond(), r.loadAverage());
  }
}
