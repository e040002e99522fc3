package dev.vlt.spark;

import dev.vlt.data.IndexedSource;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.Embedder;
import dev.vlt.tensor.Engines;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of an embedding job. The Parquet layout (one row per readable image):
 * <pre>
 *   id         string         the sample's stable id (file name, manifest path, shard key)
 *   location   string         where it came from, e.g. pairs.jsonl:12 or shard-000003.tar:abc
 *   caption    string?        its captions joined with " | ", or null
 *   label      string?        its class name (or class index), or null
 *   embedding  array&lt;float&gt;   the L2-normalised image embedding [E]
 *   model_id   string         the weights' identity (dev.vlt.index.ModelId)
 * </pre>
 * Tasks also produce a row for each sample they skip, with {@code _skip_reason} and {@code _skip_detail} set and no
 * embedding; the job counts those from the rows (not with accumulators, which count a retried task twice) and leaves them
 * out of the Parquet.
 */
final class EmbeddingRows {
  static final String ID = "id";
  static final String LOCATION = "location";
  static final String CAPTION = "caption";
  static final String LABEL = "label";
  static final String EMBEDDING = "embedding";
  static final String MODEL_ID = "model_id";
  static final String SKIP_REASON = "_skip_reason";
  static final String SKIP_DETAIL = "_skip_detail";

  /** The Parquet schema: what readers of the job's output can rely on. */
  static final StructType OUTPUT = new StructType()
      .add(ID, DataTypes.StringType, false)
      .add(LOCATION, DataTypes.StringType, false)
      .add(CAPTION, DataTypes.StringType, true)
      .add(LABEL, DataTypes.StringType, true)
      .add(EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), true)
      .add(MODEL_ID, DataTypes.StringType, false);

  /** The tasks' rows: the output columns plus why a sample was skipped. */
  static final StructType WITH_SKIPS = OUTPUT
      .add(SKIP_REASON, DataTypes.StringType, true)
      .add(SKIP_DETAIL, DataTypes.StringType, true);

  private EmbeddingRows() {}

  /** The rows of one task's slices (one slice per task), produced a batch at a time as Spark's writer asks for them. */
  static Iterator<Row> embed(Iterator<Slice> slices, EmbedOptions options, String modelId) {
    Engines.ensureStarted();
    Engines.setThreads(options.threadsPerTask()); // this task thread only: OpenMP's thread count is per calling thread
    TaskContext task = TaskContext.get();
    boolean failHere = task != null && task.partitionId() == options.failPartition() && task.attemptNumber() == 0;
    return new Rows(slices, ExecutorState.embedder(options), options.batchSize(), modelId, failHere ? options.failAfterRows() : -1);
  }

  private static final class Rows implements Iterator<Row> {
    private final Iterator<Slice> slices;
    private final Embedder embedder;
    private final int batchSize;
    private final String modelId;
    private final int failAfter;
    private final Deque<Row> ready = new ArrayDeque<>();
    private Iterator<Sample> samples = java.util.Collections.emptyIterator();
    private List<String> classNames = List.of();
    private long produced;

    Rows(Iterator<Slice> slices, Embedder embedder, int batchSize, String modelId, int failAfter) {
      this.slices = slices;
      this.embedder = embedder;
      this.batchSize = batchSize;
      this.modelId = modelId;
      this.failAfter = failAfter;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty()) {
        if (samples.hasNext()) {
          nextBatch();
        } else if (ready.isEmpty()) { // samples.hasNext() may have queued a skipped duplicate
          if (!slices.hasNext()) return false;
          open(slices.next());
        }
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) throw new NoSuchElementException();
      if (failAfter >= 0 && produced >= failAfter) {
        throw new IllegalStateException("injected failure of the first attempt of partition " + TaskContext.getPartitionId()
            + " after " + produced + " rows (test hook)");
      }
      produced++;
      return ready.poll();
    }

    private void open(Slice slice) {
      if (slice.wholeShard()) {
        samples = ExecutorState.shard(slice.source()).stream(0, new SkipReport(w -> {}, 0));
        classNames = List.of();
        return;
      }
      IndexedSource source = ExecutorState.indexed(slice.source());
      if (slice.to() > source.count()) {
        throw new IllegalStateException(slice.source() + " has " + source.count() + " samples on this executor, the driver saw at least "
            + slice.to() + ": every executor must see the same data");
      }
      classNames = source.classNames();
      int[] dups = slice.duplicates();
      samples = new Iterator<>() {
        int i = slice.from();

        @Override
        public boolean hasNext() {
          while (i < slice.to() && Arrays.binarySearch(dups, i) >= 0) {
            Sample s = source.get(i++);
            ready.add(skipped(s, "duplicate id", "skipped " + s.location() + ": duplicate id ('" + s.id() + "', the first one is kept)"));
          }
          return i < slice.to();
        }

        @Override
        public Sample next() {
          if (!hasNext()) throw new NoSuchElementException();
          return source.get(i++);
        }
      };
    }

    /** Decodes up to a batch of samples, embeds the readable ones and queues a row for each sample. */
    private void nextBatch() {
      List<Sample> batch = new ArrayList<>(batchSize);
      List<Raster8> images = new ArrayList<>(batchSize);
      while (batch.size() < batchSize && samples.hasNext()) {
        Sample s = samples.next();
        String[] warning = new String[1];
        SkipReport report = new SkipReport(w -> { if (warning[0] == null) warning[0] = w; }, 1);
        Raster8 image = s.loadOrSkip(report);
        if (image == null) {
          String reason = Arrays.stream(SkipReport.Reason.values()).filter(r -> report.count(r) > 0).findFirst()
              .map(SkipReport.Reason::label).orElse("unreadable");
          ready.add(skipped(s, reason, warning[0]));
          continue;
        }
        batch.add(s);
        images.add(image);
      }
      if (batch.isEmpty()) return;
      float[][] vectors = embedder.embedImages(images);
      for (int i = 0; i < batch.size(); i++) {
        Sample s = batch.get(i);
        ready.add(RowFactory.create(s.id(), s.location(), caption(s), label(s), boxed(vectors[i]), modelId, null, null));
      }
    }

    private Row skipped(Sample s, String reason, String detail) {
      return RowFactory.create(s.id(), s.location(), caption(s), label(s), null, modelId, reason, detail);
    }

    private String label(Sample s) {
      if (!s.hasLabel()) return null;
      return s.label() < classNames.size() ? classNames.get(s.label()) : Integer.toString(s.label());
    }
  }

  static String caption(Sample s) {
    return s.captions().isEmpty() ? null : String.join(" | ", s.captions());
  }

  /** Spark's array&lt;float&gt; takes a Float[] (or a Seq), not a float[]. */
  private static Float[] boxed(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) out[i] = v[i];
    return out;
  }
}
