package dev.vlt.data;

import ai.djl.ndarray.NDManager;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.ImageTransform;
import dev.vlt.data.image.ImageDecoder;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * How fast JPEG files become normalised [3, S, S] tensors: decode + open_clip eval preprocessing on one thread (timed per
 * stage), then the {@link Loader} with all workers, batches collated into NDArrays as training receives them.
 */
public final class DataBench {
  private DataBench() {}

  /**
   * Images per second on one thread (wall clock, and per CPU-second, which other processes on the machine do not
   * change), its stage times in ms per image, the loader's images per second, and the load average while measuring.
   */
  public record Result(int images, int width, int height, int size, int threads, double singleThreadPerSecond,
      double singleThreadPerCpuSecond, double decodeMs, double preprocessMs, double loaderPerSecond, double loadAverage) {}

  /** Writes {@code count} photo-like JPEGs of {@code width × height} (seeded shapes over gradients) into {@code dir}. */
  public static List<Path> writeJpegs(Path dir, int count, int width, int height, long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = img.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setPaint(new java.awt.GradientPaint(0, 0, randomColor(rng), width, height, randomColor(rng)));
      g.fillRect(0, 0, width, height);
      for (int k = 0; k < 12; k++) {
        g.setColor(randomColor(rng));
        int w = 20 + rng.nextInt(width / 2);
        int h = 20 + rng.nextInt(height / 2);
        if (rng.nextBoolean()) g.fillOval(rng.nextInt(width), rng.nextInt(height), w, h);
        else g.fillRect(rng.nextInt(width), rng.nextInt(height), w, h);
      }
      g.dispose();
      Path f = dir.resolve(String.format("bench-%05d.jpg", i));
      ImageIO.write(img, "jpeg", f.toFile());
      files.add(f);
    }
    return files;
  }

  private static Color randomColor(SplittableRandom rng) {
    return new Color(rng.nextInt(256), rng.nextInt(256), rng.nextInt(256));
  }

  /** Generated JPEG files through open_clip's eval preprocessing at {@code size}. */
  public static Result run(List<Path> files, int size, int threads, NDManager manager) throws IOException {
    List<Sample> samples = new ArrayList<>();
    for (Path f : files) samples.add(Sample.of(f.getFileName().toString(), ImageSource.file(f), List.of("bench"), Sample.NO_LABEL, f.toString()));
    return run(new SampleList("bench jpegs", samples, List.of()), new EvalTransform(PreprocessConfig.openai(size)), threads, manager);
  }

  /**
   * Any source's images (files read from disk each time, as training reads them) through {@code transform}: one thread
   * timed per stage, then the {@link Loader} with {@code threads} workers, batches of 32 collated into NDArrays.
   */
  public static Result run(SampleList source, ImageTransform transform, int threads, NDManager manager) throws IOException {
    int size = transform.imageSize();
    float[] out = new float[3 * size * size];
    java.util.SplittableRandom rng = new java.util.SplittableRandom(0);
    for (Sample s : source.samples()) transform.applyInto(s.image().load(), out, 0, rng);  // JIT-compile the hot loops
    Raster8 first = source.get(0).image().load();

    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long cpu0 = cpu.getCurrentThreadCpuTime();
    long decodeNs = 0;
    long preprocessNs = 0;
    for (Sample s : source.samples()) {
      long t0 = System.nanoTime();
      Raster8 r = s.image().load();
      long t1 = System.nanoTime();
      transform.applyInto(r, out, 0, rng);
      preprocessNs += System.nanoTime() - t1;
      decodeNs += t1 - t0;
    }
    int n = source.count();
    double single = n / ((decodeNs + preprocessNs) / 1e9);
    double perCpuSecond = n / ((cpu.getCurrentThreadCpuTime() - cpu0) / 1e9);

    LoaderConfig cfg = new LoaderConfig(32, threads, 4, 0, false, false, false, 1);
    SkipReport skips = new SkipReport();
    timeLoader(source, transform, cfg, skips, manager); // warm-up: threads, JIT on the workers
    long best = Long.MAX_VALUE; // best of three: the run least disturbed by other processes
    for (int rep = 0; rep < 3; rep++) best = Math.min(best, timeLoader(source, transform, cfg, skips, manager));
    double loader = n / (best / 1e9);
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return new Result(n, first.width(), first.height(), size, threads, single, perCpuSecond, decodeNs / 1e6 / n, preprocessNs / 1e6 / n,
        loader, load);
  }

  private static long timeLoader(SampleList source, ImageTransform transform, LoaderConfig cfg, SkipReport skips, NDManager manager) {
    long t0 = System.nanoTime();
    try (NDManager sub = manager.newSubManager(); Loader.Run run = new Loader(source, transform, cfg, skips).open(sub)) {
      while (run.hasNext()) run.next().images().close();
    }
    return System.nanoTime() - t0;
  }
}
