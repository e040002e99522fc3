package dev.vlt.spark;

import dev.vlt.index.IndexBuilder;
import dev.vlt.index.IndexItem;
import dev.vlt.index.VectorImport;
import dev.vlt.index.VectorIndexWriter;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the vector index from an embedding job's Parquet ({@link EmbeddingRows}): rows stream to this machine a
 * partition at a time, so the Parquet may be larger than its memory. Entries are keyed and named by the row's id, with
 * its caption and label, exactly as {@code vlt index build --images} keys a data set's samples.
 */
public final class ParquetIndex {
  private ParquetIndex() {}

  /**
   * @param model the model that made the rows (checked against their model_id): the index records it for queries
   * @throws IllegalArgumentException when the Parquet lacks the job's columns or was made by another model
   */
  public static VectorImport.Report build(SparkSession spark, String parquet, IndexBuilder.Model model, VectorIndexWriter writer,
      int commitEvery) throws IOException {
    Dataset<Row> rows = spark.read().parquet(parquet);
    Set<String> columns = Set.of(rows.columns());
    for (String c : List.of(EmbeddingRows.ID, EmbeddingRows.EMBEDDING, EmbeddingRows.MODEL_ID)) {
      if (!columns.contains(c)) throw new IllegalArgumentException("--from-parquet " + parquet + ": no column '" + c + "'; expected the output of 'vlt spark embed'");
    }
    List<Row> ids = rows.select(EmbeddingRows.MODEL_ID).distinct().limit(3).collectAsList();
    for (Row r : ids) {
      if (!model.id().equals(r.getString(0))) {
        throw new IllegalArgumentException("--from-parquet " + parquet + ": rows made by model " + r.getString(0) + ", but --model "
            + model.spec() + " is " + model.id() + ": give the model that embedded them (its vectors would not compare)");
      }
    }
    boolean hasCaption = columns.contains(EmbeddingRows.CAPTION);
    boolean hasLabel = columns.contains(EmbeddingRows.LABEL);
    Iterator<Row> it = rows.toLocalIterator();
    Iterator<VectorImport.Entry> entries = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public VectorImport.Entry next() {
        Row r = it.next();
        String id = r.getAs(EmbeddingRows.ID);
        String caption = hasCaption ? r.getAs(EmbeddingRows.CAPTION) : null;
        String label = hasLabel ? r.getAs(EmbeddingRows.LABEL) : null;
        List<Object> v = r.getList(r.fieldIndex(EmbeddingRows.EMBEDDING));
        if (v == null) throw new IllegalArgumentException("--from-parquet " + parquet + ": row " + id + " has no embedding");
        float[] vector = new float[v.size()];
        for (int i = 0; i < vector.length; i++) vector[i] = ((Number) v.get(i)).floatValue();
        Map<String, String> meta = label == null ? Map.of() : Map.of("label", label);
        return new VectorImport.Entry(new IndexItem(id, id, caption, meta, null, null), vector);
      }
    };
    // the collection the rows came from, so 'vlt serve' can show the images; else the Parquet itself
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(parquet);
    JobRecord job = JobRecord.read(path.getFileSystem(spark.sparkContext().hadoopConfiguration()), path);
    return VectorImport.replaceAll(writer, model, job != null ? job.data() : parquet, entries, commitEvery);
  }
}
