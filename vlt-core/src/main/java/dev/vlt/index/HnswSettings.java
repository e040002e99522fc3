package dev.vlt.index;

import java.util.Locale;
import java.util.concurrent.ExecutorService;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * How the HNSW graph of an index is built: the vectors' storage (float32, or Lucene's scalar quantisation to int8 / int4
 * beside the floats) and the graph's links per node (M) and beam width while inserting. Readers need none of this: each
 * segment records its format by SPI name, so an index written with any of these settings opens with the default codec.
 */
public record HnswSettings(Quantization quantization, int maxConn, int beamWidth) {
  /**
   * What {@code vlt index build} writes: float32, M 16, beam 50. Measured by {@code vlt bench search} at 100k × 512
   * (README, Speed): halving Lucene's default beam (100) halves the distance computations per insertion (the build's
   * cost), about 2× the vectors/s, and is the lowest beam measured that keeps recall@10 ≥ 0.95 with the search's 100
   * candidates (beam 32: 0.89–0.91). int8 and int4 built no faster in Lucene 9.12, so the floats alone are stored.
   */
  public static final HnswSettings DEFAULT = new HnswSettings(Quantization.NONE, 16, 50);
  /** The format every index had before issue 21: float32 vectors, Lucene's default graph (M 16, beam 100). */
  public static final HnswSettings FLOAT32 = new HnswSettings(Quantization.NONE, 16, 100);

  /** The vectors the graph is built and searched on. */
  public enum Quantization {
    NONE("float32", 0),
    /** Lucene's "7 bits": signed bytes, one scale per segment from the vectors' quantiles. */
    INT8("int8", 7),
    /** Two codes per byte. */
    INT4("int4", 4);

    final String label;
    final int bits;

    Quantization(String label, int bits) {
      this.label = label;
      this.bits = bits;
    }

    public String label() {
      return label;
    }

    /** float32 | int8 | int4, as the bench's {@code --quantization} takes it. */
    public static Quantization parse(String s) {
      for (Quantization q : values()) if (q.label.equals(s.toLowerCase(Locale.ROOT))) return q;
      throw new IllegalArgumentException("quantization '" + s + "': expected float32, int8 or int4");
    }
  }

  public HnswSettings {
    if (quantization == null) throw new IllegalArgumentException("quantization is missing");
    if (maxConn < 2 || maxConn > Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN) {
      throw new IllegalArgumentException("M " + maxConn + " is outside 2.." + Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN);
    }
    if (beamWidth < 1 || beamWidth > Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH) {
      throw new IllegalArgumentException("beam width " + beamWidth + " is outside 1.." + Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH);
    }
  }

  /**
   * The Lucene format.
   *
   * @param mergeWorkers threads that insert into a merged segment's graph concurrently (Lucene 9.12 builds a flushed
   *     segment's graph on its indexing thread, so only merges use them)
   * @param mergeExec their pool, or null when {@code mergeWorkers} is 1
   */
  KnnVectorsFormat format(int mergeWorkers, ExecutorService mergeExec) {
    return switch (quantization) {
      case NONE -> new Lucene99HnswVectorsFormat(maxConn, beamWidth, mergeWorkers, mergeExec);
      // confidence interval null: Lucene's default for the dimension; int4 packs two codes a byte ("compress")
      case INT8, INT4 -> new Lucene99HnswScalarQuantizedVectorsFormat(maxConn, beamWidth, mergeWorkers, quantization.bits,
          quantization == Quantization.INT4, null, mergeExec);
    };
  }

  /** "int8, M 16, beam 100". */
  public String describe() {
    return quantization.label + ", M " + maxConn + ", beam " + beamWidth;
  }
}
