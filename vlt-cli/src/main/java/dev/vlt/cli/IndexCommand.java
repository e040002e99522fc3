package dev.vlt.cli;

import dev.vlt.index.ImageCollection;
import dev.vlt.index.IndexBuilder;
import dev.vlt.index.IndexModels;
import dev.vlt.index.VectorIndex;
import dev.vlt.index.VectorIndexWriter;
import dev.vlt.infer.Embedder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vlt index}: the vector index of an image collection. */
@Command(name = "index", mixinStandardHelpOptions = true, subcommands = IndexCommand.Build.class,
    description = "Build a searchable vector index of an image collection (see 'vlt index build --help').")
public final class IndexCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  @Command(name = "build", mixinStandardHelpOptions = true,
      description = {"Embed a collection's images into a Lucene HNSW vector index (cosine) with path, caption and metadata.",
          "Re-running updates it: unchanged images are skipped, changed ones re-embedded, deleted ones removed.",
          "A different model rebuilds it from scratch (its vectors would not compare).",
          "Work is committed every --commit-every images: an interrupted build keeps it and resumes from there."})
  public static final class Build implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin ThreadsOption threads;

    @Option(names = "--images", paramLabel = "FOLDER|MANIFEST|SET",
        description = "A folder (all images below it), a manifest (.jsonl/.csv/.tsv with image + caption), or a bundled set (emoji, photos).")
    String images;

    @Option(names = "--from-parquet", paramLabel = "DIR",
        description = {"Instead of --images: the Parquet of 'vlt spark embed' (any Hadoop path), made by --model.",
            "The index is rebuilt from its rows; nothing is embedded here."})
    String fromParquet;

    @Option(names = "--master", paramLabel = "URL", description = "With --from-parquet: the Spark master that reads it (default local[*]).")
    String master;

    @Option(names = "--index", required = true, paramLabel = "INDEX_DIR", description = "The index folder (created if missing).")
    Path index;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per encoder call (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--commit-every", defaultValue = "512", description = "Commit after this many embedded images (default ${DEFAULT-VALUE}).")
    int commitEvery;

    @Option(names = "--json", description = "Print the summary as one JSON line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      threads.apply();
      if (batchSize < 1 || commitEvery < 1) throw new IllegalArgumentException("--batch-size and --commit-every must be positive");
      if ((images == null) == (fromParquet == null)) throw new IllegalArgumentException("give --images or --from-parquet (exactly one)");
      if (fromParquet != null) return fromParquet();
      ImageCollection collection = ImageCollection.open(images);
      if (collection.skips().total() > 0) System.err.println("vlt: " + collection.skips().summary());
      long t0 = System.nanoTime();
      IndexBuilder.Report r;
      int decodeThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
      try (Embedder e = modelOptions.open(); VectorIndexWriter w = VectorIndexWriter.open(index, 64, 2)) {
        IndexBuilder.Model model = IndexModels.describe(e, modelOptions.model, modelOptions.tokenizer);
        try (Bar bar = new Bar()) {
          r = new IndexBuilder(e::embedImages, model, batchSize, commitEvery, decodeThreads).sync(collection, w, bar);
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      int count;
      try (VectorIndex vi = VectorIndex.open(index)) {
        count = vi.info().count();
      }
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index.toString());
        m.put("source", collection.spec());
        m.put("images", r.items());
        m.put("added", r.added());
        m.put("updated", r.updated());
        m.put("unchanged", r.unchanged());
        m.put("removed", r.removed());
        m.put("unreadable", r.unreadable());
        m.put("rebuilt", r.rebuilt());
        m.put("vectors", count);
        m.put("seconds", seconds);
        JsonLines.print(m);
      } else {
        if (r.rebuilt()) System.out.println("index: built with another model before; rebuilt from scratch");
        System.out.printf(Locale.ROOT, "index: %s: %d added, %d updated, %d unchanged, %d removed, %d unreadable%n",
            collection.describe(), r.added(), r.updated(), r.unchanged(), r.removed(), r.unreadable());
        System.out.printf(Locale.ROOT, "index: %d vectors in %s (%.1f s%s)%n", count, index, seconds,
            r.embedded() > 0 ? String.format(Locale.ROOT, ", %.1f images/s embedded", r.embedded() / seconds) : "");
      }
      return 0;
    }

    private int fromParquet() throws Exception {
      long t0 = System.nanoTime();
      dev.vlt.index.VectorImport.Report r;
      org.apache.spark.sql.SparkSession spark = dev.vlt.spark.Sessions.open(master, "vlt index build", Map.of());
      try (Embedder e = modelOptions.open(); VectorIndexWriter w = VectorIndexWriter.open(index, 64, 2)) {
        IndexBuilder.Model model = IndexModels.describe(e, modelOptions.model, modelOptions.tokenizer);
        r = dev.vlt.spark.ParquetIndex.build(spark, fromParquet, model, w, commitEvery);
      } finally {
        spark.stop();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index.toString());
        m.put("source", fromParquet);
        m.put("rows", r.entries());
        m.put("vectors", r.vectors());
        m.put("seconds", seconds);
        JsonLines.print(m);
      } else {
        System.out.printf(Locale.ROOT, "index: %d rows of %s imported, %d vectors in %s (%.1f s)%n", r.entries(), fromParquet, r.vectors(), index, seconds);
      }
      return 0;
    }
  }

  /** A progress bar on a terminal, plain lines every few seconds otherwise (DESIGN.md). */
  static final class Bar implements IndexBuilder.Listener, AutoCloseable {
    private ProgressBar bar;

    @Override
    public void start(int toCheck, int unchanged) {
      if (toCheck == 0) return;
      ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("indexing").setInitialMax(toCheck).setUnit(" images", 1);
      if (System.console() == null) {
        b.setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(5000).setConsumer(new DelegatingProgressBarConsumer(System.err::println));
      }
      bar = b.build();
    }

    @Override
    public void advance(int n) {
      if (bar != null) bar.stepBy(n);
    }

    @Override
    public void close() {
      if (bar != null) bar.close();
    }
  }
}
