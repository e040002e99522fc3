package dev.vlt.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What an embedding job writes beside its Parquet files, as {@code _vlt_job.json} (Spark's readers skip files starting
 * with an underscore): the data and model it embedded, so an index built from the rows can show the images again.
 */
record JobRecord(String data, String model, String modelId, int dim, long rows, long skipped) {
  static final String FILE = "_vlt_job.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  static void write(FileSystem fs, Path out, JobRecord r) throws IOException {
    try (OutputStream o = fs.create(new Path(out, FILE), true)) {
      o.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(r));
    }
  }

  /** The record beside {@code out}, or null when there is none (Parquet from elsewhere). */
  static JobRecord read(FileSystem fs, Path out) throws IOException {
    Path p = new Path(out, FILE);
    if (!fs.exists(p)) return null;
    try (InputStream in = fs.open(p)) {
      return JSON.readValue(in, JobRecord.class);
    }
  }
}
