package dev.vlt.spark;

import dev.vlt.data.Templates;
import dev.vlt.eval.ZeroShot;
import dev.vlt.infer.Embedder;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Zero-shot and retrieval figures over an embedding job's Parquet, computed on Spark so the embeddings need not fit in
 * one machine's memory. Retrieval is exact: every (query block, gallery block) pair is one task that counts, for each
 * query, the gallery items that outrank its correct match; the counts add up to the exact rank (ties ordered by row, as
 * {@link dev.vlt.eval.Ranking} orders them by index). Nothing is counted with accumulators.
 */
public final class EmbeddingEval {
  /** Recall cut-offs, as {@link dev.vlt.eval.Retrieval#DEFAULT_KS}. */
  static final int[] KS = {1, 5, 10};

  /**
   * @param zeroShot top-1/top-5 accuracy over the labelled rows, or null when no row has a label
   * @param textToImage "R@k" → fraction, each row's caption finding its own image among all images; null without captions
   * @param imageToText each image finding its own caption among all captions
   */
  public record Report(long rows, int classes, Map<String, Double> zeroShot, long captioned, Map<String, Double> textToImage,
      Map<String, Double> imageToText, double seconds) {}

  /** One partition's rows: row numbers, image and caption embeddings, the score of each row's own pair. */
  record Block(long[] index, float[][] image, float[][] text, double[] own) implements Serializable {}

  private EmbeddingEval() {}

  /**
   * @param model the model that made the rows (for caption and class-name embeddings; checked against model_id)
   * @param templates a prompt-template set for class names (built-in name or file)
   */
  public static Report run(SparkSession spark, String parquet, String model, String tokenizer, String templates) {
    long t0 = System.nanoTime();
    EmbedOptions options = new EmbedOptions(model, false, tokenizer, 64, 1, -1, 0);
    Embedder driver = ExecutorState.embedder(options);
    String modelId = modelId(driver);
    var rows = spark.read().parquet(parquet);
    for (Row r : rows.select(EmbeddingRows.MODEL_ID).distinct().limit(3).collectAsList()) {
      if (!modelId.equals(r.getString(0))) {
        throw new IllegalArgumentException(parquet + ": rows made by model " + r.getString(0) + ", --model " + model + " is " + modelId);
      }
    }
    long n = rows.count();

    // zero-shot: the classes are the labels present; their prompt-ensembled text embeddings are small, so the driver makes them
    List<String> classes = rows.filter(rows.col(EmbeddingRows.LABEL).isNotNull()).select(EmbeddingRows.LABEL).distinct()
        .collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    Map<String, Double> zeroShot = null;
    if (!classes.isEmpty()) {
      List<String> prompts = Templates.load(templates);
      List<float[][]> perClass = new ArrayList<>();
      for (String c : classes) perClass.add(driver.embedTexts(prompts.stream().map(t -> t.replace("{}", c)).toList()));
      float[][] classifier = ZeroShot.classifier(perClass);
      List<String> names = classes;
      long[] hits = rows.filter(rows.col(EmbeddingRows.LABEL).isNotNull()).select(EmbeddingRows.LABEL, EmbeddingRows.EMBEDDING)
          .javaRDD().map(r -> {
            int rank = rank(dots(floats(r.getList(1)), classifier), names.indexOf(r.getString(0)));
            return new long[] {1, rank <= 1 ? 1 : 0, rank <= 5 ? 1 : 0};
          }).reduce((a, b) -> new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
      zeroShot = new TreeMap<>(Map.of("top1", (double) hits[1] / hits[0], "top5", (double) hits[2] / hits[0],
          "chance", 1.0 / classes.size(), "examples", (double) hits[0]));
    }

    // retrieval: rows with a caption, numbered once; captions are embedded on the executors, the model loaded once per JVM
    JavaRDD<Tuple2<Row, Long>> numbered = rows.filter(rows.col(EmbeddingRows.CAPTION).isNotNull())
        .select(EmbeddingRows.CAPTION, EmbeddingRows.EMBEDDING).javaRDD().zipWithIndex().map(t -> new Tuple2<>(t._1(), t._2()));
    JavaRDD<Block> blocks = numbered.mapPartitions(it -> block(it, options)).persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Double> t2i = null;
    Map<String, Double> i2t = null;
    long captioned = blocks.map(b -> (long) b.index().length).fold(0L, Long::sum);
    if (captioned > 0) {
      JavaPairRDD<Long, long[]> beaten = blocks.cartesian(blocks).flatMapToPair(EmbeddingEval::outranked)
          .reduceByKey((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      long[] recall = beaten.map(t -> {
        long[] r = new long[2 * KS.length];
        for (int k = 0; k < KS.length; k++) {
          r[k] = t._2()[0] + 1 <= KS[k] ? 1 : 0;
          r[KS.length + k] = t._2()[1] + 1 <= KS[k] ? 1 : 0;
        }
        return r;
      }).reduce(EmbeddingEval::add);
      t2i = new TreeMap<>();
      i2t = new TreeMap<>();
      for (int k = 0; k < KS.length; k++) {
        t2i.put("R@" + KS[k], (double) recall[k] / captioned);
        i2t.put("R@" + KS[k], (double) recall[KS.length + k] / captioned);
      }
    }
    blocks.unpersist();
    return new Report(n, classes.size(), zeroShot, captioned, t2i, i2t, (System.nanoTime() - t0) / 1e9);
  }

  private static Iterator<Block> block(Iterator<Tuple2<Row, Long>> it, EmbedOptions options) {
    List<Long> index = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    List<float[]> images = new ArrayList<>();
    while (it.hasNext()) {
      Tuple2<Row, Long> t = it.next();
      captions.add(t._1().getString(0));
      images.add(floats(t._1().getList(1)));
      index.add(t._2());
    }
    if (index.isEmpty()) return java.util.Collections.emptyIterator();
    dev.vlt.tensor.Engines.ensureStarted();
    dev.vlt.tensor.Engines.setThreads(options.threadsPerTask());
    float[][] texts = ExecutorState.embedder(options).embedTexts(captions);
    float[][] imgs = images.toArray(float[][]::new);
    double[] own = new double[imgs.length];
    for (int i = 0; i < own.length; i++) own[i] = dot(imgs[i], texts[i]);
    return List.of(new Block(index.stream().mapToLong(Long::longValue).toArray(), imgs, texts, own)).iterator();
  }

  /** For each query row of {@code pair._1}, how many rows of {@code pair._2} outrank its own match, both ways. */
  private static Iterator<Tuple2<Long, long[]>> outranked(Tuple2<Block, Block> pair) {
    Block q = pair._1();
    Block g = pair._2();
    List<Tuple2<Long, long[]>> out = new ArrayList<>(q.index().length);
    for (int i = 0; i < q.index().length; i++) {
      long textToImage = 0;
      long imageToText = 0;
      long self = q.index()[i];
      for (int j = 0; j < g.index().length; j++) {
        long other = g.index()[j];
        if (other == self) continue;
        if (beats(dot(q.text()[i], g.image()[j]), q.own()[i], other, self)) textToImage++;
        if (beats(dot(q.image()[i], g.text()[j]), q.own()[i], other, self)) imageToText++;
      }
      out.add(new Tuple2<>(self, new long[] {textToImage, imageToText}));
    }
    return out.iterator();
  }

  /** Ranking's order: a higher score first, equal scores by row number. */
  private static boolean beats(double score, double target, long row, long targetRow) {
    return score > target || score == target && row < targetRow;
  }

  /** 1-based rank of {@code target} in {@code scores} (ties by index). */
  static int rank(double[] scores, int target) {
    int r = 1;
    for (int c = 0; c < scores.length; c++) if (c != target && (scores[c] > scores[target] || scores[c] == scores[target] && c < target)) r++;
    return r;
  }

  private static double[] dots(float[] v, float[][] m) {
    double[] out = new double[m.length];
    for (int i = 0; i < m.length; i++) out[i] = dot(v, m[i]);
    return out;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }

  private static long[] add(long[] a, long[] b) {
    long[] out = a.clone();
    for (int i = 0; i < out.length; i++) out[i] += b[i];
    return out;
  }

  static float[] floats(List<Object> list) {
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) out[i] = ((Number) list.get(i)).floatValue();
    return out;
  }

  private static String modelId(Embedder e) {
    try {
      return dev.vlt.index.ModelId.of(e.model());
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }
}
