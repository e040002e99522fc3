package dev.vlt.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.DataSources;
import dev.vlt.data.IndexedSource;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.Raster8;
import dev.vlt.index.ModelId;
import dev.vlt.infer.Embedder;
import dev.vlt.models.Models;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipFile;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding job on local[2,3] with the emoji set, read back with Spark's own Parquet reader. */
class EmbedJobTest {
  static SparkSession spark;
  static IndexedSource emoji;

  @TempDir static Path tmp;

  static Path emojiParquet;
  static EmbedJob.Summary emojiSummary;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkFixtures.session();
    emoji = (IndexedSource) DataSources.open("emoji", SkipReport.quiet());
    emojiParquet = tmp.resolve("emoji.parquet");
    emojiSummary = EmbedJob.run(spark, request(SparkFixtures.TINY_MODEL.toString(), "emoji", emojiParquet, 0), quiet());
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.stop();
  }

  static EmbedJob.Request request(String model, String data, Path out, int rowsPerTask) {
    return new EmbedJob.Request(model, null, data, out.toString(), 64, rowsPerTask, 1, false);
  }

  static List<Row> readBack(Path out) {
    return spark.read().parquet(out.toString()).collectAsList();
  }

  static Set<String> emojiIds() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < emoji.count(); i++) ids.add(emoji.get(i).id());
    return ids;
  }

  @Test
  void embedsEveryEmojiOnceWithTheModelsOwnEmbeddings() throws Exception {
    Path out = emojiParquet;
    EmbedJob.Summary s = emojiSummary;

    List<Row> rows = readBack(out);
    assertEquals(1911, emoji.count());
    assertEquals(emoji.count(), s.rows());
    assertEquals(emoji.count(), rows.size());
    assertEquals(0, s.skippedTotal());
    assertTrue(s.tasks() > 1, "the set is split over several tasks: " + s.tasks());
    assertEquals(List.of("id", "location", "caption", "label", "embedding", "model_id"),
        List.of(spark.read().parquet(out.toString()).schema().fieldNames()));

    Map<String, Row> byId = new HashMap<>();
    for (Row r : rows) byId.put(r.getString(0), r);
    assertEquals(emojiIds(), byId.keySet(), "every emoji exactly once");

    try (Embedder direct = new Embedder(Models.load(SparkFixtures.TINY_MODEL), 64)) {
      String id = ModelId.of(direct.model());
      assertTrue(rows.stream().allMatch(r -> r.getString(5).equals(id)), "every row names the model");
      List<Raster8> images = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < emoji.count(); i += 97) {
        images.add(emoji.get(i).image().load());
        ids.add(emoji.get(i).id());
      }
      float[][] expected = direct.embedImages(images);
      for (int i = 0; i < ids.size(); i++) {
        Row r = byId.get(ids.get(i));
        assertArrayEquals(expected[i], floats(r.getList(4)), 1e-5f, ids.get(i));
        assertEquals(EmbeddingRows.caption(emoji.get(i * 97)), r.getString(2));
        assertEquals(emoji.classNames().get(emoji.get(i * 97).label()), r.getString(3));
      }
    }
  }

  @Test
  void unreadableImagesAreSkippedAndCountedByReason() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("manifest"));
    StringBuilder jsonl = new StringBuilder();
    try (ZipFile zip = new ZipFile(SparkFixtures.SHARED.resolve("data/emoji-google-64/images.zip").toFile())) {
      for (int i = 0; i < 30; i++) {
        String file = emoji.get(i).id();
        Files.write(dir.resolve(file), zip.getInputStream(zip.getEntry(file)).readAllBytes());
        jsonl.append("{\"image\": \"").append(file).append("\", \"caption\": \"emoji ").append(i).append("\"}\n");
      }
    }
    Files.writeString(dir.resolve("broken.png"), "not a png");
    jsonl.append("{\"image\": \"broken.png\", \"caption\": \"broken\"}\n");
    jsonl.append("{\"image\": \"missing.png\", \"caption\": \"missing\"}\n");
    jsonl.append("{\"image\": \"").append(emoji.get(0).id()).append("\", \"caption\": \"the same image again\"}\n");
    Files.writeString(dir.resolve("pairs.jsonl"), jsonl);

    Path out = tmp.resolve("manifest.parquet");
    EmbedJob.Summary s = EmbedJob.run(spark, request(SparkFixtures.TINY_MODEL.toString(), dir.resolve("pairs.jsonl").toString(), out, 8), quiet());

    assertEquals(30, s.rows());
    assertEquals(30, readBack(out).size());
    assertEquals(Map.of("not an image", 1L, "missing file", 1L, "duplicate id", 1L), s.skipped());
    assertEquals(33, s.samples());
    assertTrue(s.skippedExamples().stream().anyMatch(l -> l.contains("broken.png")), s.skippedExamples().toString());
  }

  @Test
  void aTaskThatFailsOnItsFirstAttemptIsRetriedWithoutDuplicates() throws Exception {
    FailedTasks failed = new FailedTasks();
    spark.sparkContext().addSparkListener(failed);
    Path out = tmp.resolve("retried.parquet");
    EmbedJob.Summary s;
    try {
      // the model travels as a folder URI through SparkFiles, as on a cluster; partition 2 throws after 50 of its 200 rows
      s = EmbedJob.run(spark, request(SparkFixtures.TINY_MODEL.toUri().toString(), "emoji", out, 200), quiet(), 2, 50);
    } finally {
      spark.sparkContext().removeSparkListener(failed);
    }
    assertEquals(10, s.tasks());
    assertTrue(failed.count.get() >= 1, "the injected failure happened");
    List<Row> rows = readBack(out);
    Set<String> ids = new HashSet<>();
    for (Row r : rows) ids.add(r.getString(0));
    assertEquals(emoji.count(), rows.size(), "no duplicates, nothing lost");
    assertEquals(emojiIds(), ids);
    assertEquals(emoji.count(), s.rows());
  }

  @Test
  void distributedZeroShotAndRetrievalEqualTheSingleMachineFigures() throws Exception {
    EmbeddingEval.Report r = EmbeddingEval.run(spark, emojiParquet.toString(), SparkFixtures.TINY_MODEL.toString(),
        SparkFixtures.BPE.toString(), "emoji");
    assertEquals(1911, r.rows());
    assertEquals(1911, r.captioned());

    // the same figures on one machine, from the same rows in the same order
    List<Row> rows = spark.read().parquet(emojiParquet.toString()).collectAsList();
    float[][] images = rows.stream().map(x -> floats(x.getList(4))).toArray(float[][]::new);
    List<String> classes = rows.stream().map(x -> x.getString(3)).distinct().sorted().toList();
    try (Embedder e = new Embedder(Models.resolve(SparkFixtures.TINY_MODEL.toString(), SparkFixtures.BPE), 64)) {
      float[][] texts = e.embedTexts(rows.stream().map(x -> x.getString(2)).toList());
      dev.vlt.eval.RetrievalMetrics expected = dev.vlt.eval.Retrieval.evaluate(images, texts, java.util.stream.IntStream.range(0, images.length).toArray());
      assertEquals(expected.textToImage(), r.textToImage());
      assertEquals(expected.imageToText(), r.imageToText());

      List<String> prompts = dev.vlt.data.Templates.load("emoji");
      List<float[][]> perClass = new ArrayList<>();
      for (String c : classes) perClass.add(e.embedTexts(prompts.stream().map(t -> t.replace("{}", c)).toList()));
      int[] labels = rows.stream().mapToInt(x -> classes.indexOf(x.getString(3))).toArray();
      dev.vlt.eval.ZeroShotMetrics zs = dev.vlt.eval.ZeroShot.evaluate(images, dev.vlt.eval.ZeroShot.classifier(perClass), labels, classes, 100).metrics();
      assertEquals(zs.top1(), r.zeroShot().get("top1"), 1e-12);
      assertEquals(zs.top5(), r.zeroShot().get("top5"), 1e-12);
      assertEquals(classes.size(), r.classes());
    }
  }

  /** Counts failed task attempts. */
  static final class FailedTasks extends SparkListener {
    final AtomicInteger count = new AtomicInteger();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.reason() != Success$.MODULE$) count.incrementAndGet();
    }
  }

  static float[] floats(List<Object> list) {
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) out[i] = ((Number) list.get(i)).floatValue();
    return out;
  }

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
