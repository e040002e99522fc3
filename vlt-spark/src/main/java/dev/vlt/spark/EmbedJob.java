package dev.vlt.spark;

import dev.vlt.data.DataSource;
import dev.vlt.data.DataSources;
import dev.vlt.data.IndexedSource;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.WebDatasetSource;
import dev.vlt.index.ModelId;
import dev.vlt.infer.Embedder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Embeds a collection's images into Parquet on Spark. The driver fixes each task's samples (index ranges of a manifest,
 * folder or bundled set; whole shards of a WebDataset), executors open the model once per JVM and embed their samples in
 * batches, and Spark's own Parquet writer and commit protocol write the rows (layout: {@link EmbeddingRows}).
 *
 * <p>No duplicates, nothing lost: a task's samples are fixed before it runs, so a retried attempt recomputes the same rows;
 * a failed attempt writes only into its own attempt folder, which the commit protocol deletes, and only one attempt of
 * each task is allowed to commit (the driver's OutputCommitCoordinator), so the output holds each sample once.
 */
public final class EmbedJob {
  /**
   * What the job did.
   *
   * @param rows rows in the written Parquet, read back with Spark's reader: the readable images
   * @param skipped skipped samples per reason (from the rows, so a retried task is not counted twice)
   * @param skippedExamples the first skipped samples, one line each
   * @param samples samples looked at (rows + skipped)
   * @param tasks Spark tasks (slices)
   * @param seconds wall time of the Spark job (planning and reading back excluded)
   */
  public record Summary(String out, long rows, Map<String, Long> skipped, List<String> skippedExamples, long samples, int tasks,
      String modelId, int dim, double seconds) {
    public long skippedTotal() {
      return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    public double imagesPerSecond() {
      return samples / seconds;
    }
  }

  /**
   * @param data a {@code --data} spec: a manifest, a folder of class folders, a shard pattern or a bundled set
   * @param rowsPerTask samples per task for indexed sources (shards are one task each); 0 chooses
   */
  public record Request(String model, String tokenizer, String data, String out, int batchSize, int rowsPerTask,
      int threadsPerTask, boolean overwrite) {}

  private static final int EXAMPLES = 20;

  private EmbedJob() {}

  public static Summary run(SparkSession spark, Request r, PrintStream log) throws IOException {
    return run(spark, r, log, -1, 0);
  }

  /** {@code failPartition} (test hook): that partition's first attempt throws after {@code failAfterRows} rows. */
  static Summary run(SparkSession spark, Request r, PrintStream log, int failPartition, int failAfterRows) throws IOException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(r.out());
    FileSystem fs = out.getFileSystem(jsc.hadoopConfiguration());
    if (fs.exists(out) && !r.overwrite()) throw new IllegalArgumentException("--out " + r.out() + " exists; give --overwrite to replace it");

    EmbedOptions options = modelOptions(jsc, r, failPartition, failAfterRows);
    Embedder driverModel = ExecutorState.embedder(options); // the driver loads it too: its id labels every row
    String modelId = ModelId.of(driverModel.model());
    int dim = driverModel.embedDim();

    List<Slice> slices = plan(r, spark.sparkContext().defaultParallelism(), log);
    log.printf(Locale.ROOT, "spark embed: %d tasks on %s, model %s (%d dims)%n", slices.size(), spark.sparkContext().master(), modelId, dim);

    long t0 = System.nanoTime();
    JavaRDD<Row> rows = jsc.parallelize(slices, slices.size()).mapPartitions(s -> EmbeddingRows.embed(s, options, modelId));
    // kept after the write so the skipped rows are counted without embedding anything twice
    Dataset<Row> all = spark.createDataFrame(rows, EmbeddingRows.WITH_SKIPS).persist(StorageLevel.MEMORY_AND_DISK());
    try (Progress progress = Progress.attach(spark, slices.size(), log)) {
      all.filter(functions.col(EmbeddingRows.SKIP_REASON).isNull())
          .select(java.util.Arrays.stream(EmbeddingRows.OUTPUT.fieldNames()).map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
          .write().mode(r.overwrite() ? "overwrite" : "errorifexists").parquet(r.out());
    }
    List<Row> skippedRows = all.filter(functions.col(EmbeddingRows.SKIP_REASON).isNotNull())
        .select(EmbeddingRows.LOCATION, EmbeddingRows.SKIP_REASON, EmbeddingRows.SKIP_DETAIL).collectAsList();
    double seconds = (System.nanoTime() - t0) / 1e9;
    all.unpersist();

    long written = spark.read().parquet(r.out()).count();
    Map<String, Long> byReason = new TreeMap<>();
    List<String> examples = new ArrayList<>();
    for (Row s : skippedRows) {
      byReason.merge(s.getString(1), 1L, Long::sum);
      if (examples.size() < EXAMPLES) examples.add(s.getString(2) != null ? s.getString(2) : "skipped " + s.getString(0) + ": " + s.getString(1));
    }
    Summary summary = new Summary(r.out(), written, byReason, examples, written + skippedRows.size(), slices.size(), modelId, dim, seconds);
    JobRecord.write(fs, out, new JobRecord(dataSpec(r.data()), options.shipped() ? r.model() : options.model(), modelId, dim, written,
        summary.skippedTotal()));
    return summary;
  }

  /** The data spec as executors open it: paths made absolute, names (emoji) as given. */
  static String dataSpec(String data) {
    return Files.exists(Path.of(data)) ? Path.of(data).toAbsolutePath().normalize().toString() : data;
  }

  /** Where executors find the model: a folder on a Hadoop filesystem (a URI) is shipped with addFile, anything else is used as given. */
  private static EmbedOptions modelOptions(JavaSparkContext jsc, Request r, int failPartition, int failAfterRows) {
    String model = r.model();
    boolean shipped = model.contains("://");
    if (shipped) {
      jsc.sc().addFile(model, true); // executors fetch it once into their SparkFiles folder
      String trimmed = model.replaceAll("/+$", "");
      model = trimmed.substring(trimmed.lastIndexOf('/') + 1);
    } else if (Files.isDirectory(Path.of(model))) {
      model = Path.of(model).toAbsolutePath().normalize().toString();
    }
    String tok = r.tokenizer() == null ? null : Path.of(r.tokenizer()).toAbsolutePath().normalize().toString();
    return new EmbedOptions(model, shipped, tok, r.batchSize(), r.threadsPerTask(), failPartition, failAfterRows);
  }

  /** Each task's samples, fixed here: index ranges of an indexed source, or one shard each. */
  static List<Slice> plan(Request r, int parallelism, PrintStream log) throws IOException {
    String spec = dataSpec(r.data()); // executors start in other folders
    SkipReport skips = new SkipReport(log::println, 20);
    DataSource source = DataSources.open(spec, skips);
    List<Slice> slices = new ArrayList<>();
    if (source instanceof IndexedSource indexed) {
      int n = indexed.count();
      if (n == 0) throw new IllegalArgumentException("--data " + r.data() + ": no samples" + (skips.total() > 0 ? " (" + skips.summary() + ")" : ""));
      // several tasks per core: a retry redoes little, and a slow task does not hold up the job
      int per = r.rowsPerTask() > 0 ? r.rowsPerTask() : Math.max(1, Math.min(2048, (int) Math.ceil(n / (4.0 * parallelism))));
      Set<String> ids = new HashSet<>();
      List<Integer> dups = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Sample s = indexed.get(i);
        if (!ids.add(s.id())) dups.add(i);
      }
      for (int from = 0; from < n; from += per) {
        int to = Math.min(n, from + per);
        int lo = from;
        slices.add(new Slice(spec, from, to, dups.stream().filter(i -> i >= lo && i < to).mapToInt(Integer::intValue).toArray()));
      }
    } else if (source instanceof WebDatasetSource shards) {
      for (Path shard : shards.shards()) slices.add(Slice.shard(shard.toAbsolutePath().normalize().toString()));
    } else {
      throw new IllegalArgumentException("--data " + r.data() + ": " + source.describe()
          + " has no fixed set of samples to split into tasks; give a manifest, a folder, shards or a bundled set");
    }
    return slices;
  }
}
