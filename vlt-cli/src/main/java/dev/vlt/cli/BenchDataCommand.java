package dev.vlt.cli;

import ai.djl.ndarray.NDManager;
import dev.vlt.data.DataBench;
import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSource;
import dev.vlt.data.DataSources;
import dev.vlt.data.Sample;
import dev.vlt.data.SampleList;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.TrainTransform;
import java.util.ArrayList;
import java.util.Iterator;
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

/**
 * {@code vlt bench data}: images/s from files to normalised tensors, one thread and through the loader's workers, against
 * what a ViT-B/32 training step consumes: real files of any source through the training transform, or generated JPEGs.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = {"Measure decoding + preprocessing (images/s), single-threaded and through the loader's workers, against the",
        "samples/s a ViT-B/32 training step consumes. --data SOURCE times real files (e.g. photos: JPEG and PNG photographs)",
        "through the training transform (random resized crop, bicubic, normalise); without it, generated JPEGs through the eval transform."})
public final class BenchDataCommand implements Callable<Integer> {
  /** What training a ViT-B/32 consumes on the reference machine (DESIGN.md, eager PyTorch, batch 16). */
  static final double VIT_B32_TRAIN_SAMPLES_PER_SECOND = 4.0;

  @Option(names = "--data", paramLabel = "SOURCE", description = "Real files to time: any --data source (photos, emoji, a manifest, a folder); its images are cycled up to --images.")
  String data;

  @Option(names = "--images", description = "Images to time (default: ${DEFAULT-VALUE})")
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
    if (data != null) {
      try (NDManager manager = NDManager.newBaseManager()) {
        DataSource source = DataSources.open(data, DataOptions.defaults(size).withShapes(1, images, 0), SkipReport.quiet());
        List<Sample> all = new ArrayList<>();
        Iterator<Sample> it = source.stream(0, SkipReport.quiet());
        while (it.hasNext() && all.size() < images) all.add(it.next());
        if (all.isEmpty()) throw new IllegalArgumentException("--data " + data + " has no samples");
        List<Sample> cycled = new ArrayList<>();
        for (int i = 0; i < images; i++) cycled.add(all.get(i % all.size()));
        TrainTransform train = new TrainTransform(PreprocessConfig.openai(size));
        DataBench.Result r = DataBench.run(new SampleList(source.describe(), cycled, List.of()), train, threads, manager);
        System.out.println(json ? toJson(r) : toText(r, source.describe() + " (" + all.size() + " files, cycled), training transform"));
      }
      return 0;
    }
    Path dir = Files.createTempDirectory("vlt-bench-data");
    try (NDManager manager = NDManager.newBaseManager()) {
      List<Path> files = DataBench.writeJpegs(dir, images, width, height, seed);
      DataBench.Result r = DataBench.run(files, size, threads, manager);
      System.out.println(json ? toJson(r) : toText(r, "generated JPEGs, eval transform"));
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
    return 0;
  }

  static String toText(DataBench.Result r, String what) {
    int cores = Runtime.getRuntime().availableProcessors();
    return String.format(Locale.ROOT,
        "bench data: %d images (" + what.replace("%", "%%") + "), the first %dx%d -> [3, %d, %d]%n"
            + "  1 thread : %7.1f images/s  (%.1f per CPU-second; decode %.2f ms + preprocess %.2f ms per image)%n"
            + "  %d thread%s: %7.1f images/s  (loader, batch 32, NDArray collation)%n"
            + "  load average %.1f on %d cores%s%n"
            + "  a ViT-B/32 training step consumes about %.0f samples/s here (eager PyTorch, batch 16): %.0fx headroom",
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
