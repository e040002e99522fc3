package dev.vlt.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** What the Spark tests share: ../shared, a tiny model folder, and one local session per test class. */
final class SparkFixtures {
  static final Path SHARED = Path.of(System.getProperty("vlt.shared", "../../shared"));
  /** open_clip's tiny CLIP in the hub layout (32-dim embeddings of 64 px images): fast enough to embed all 1,911 emoji. */
  static final Path TINY_MODEL = SHARED.resolve("fixtures/clip_e2e_tiny");
  static final Path BPE = SHARED.resolve("fixtures/tokenizer/bpe_simple_vocab_16e6.txt.gz");

  private SparkFixtures() {}

  /** Two task threads, three attempts per task (local[N,F]): what a retry needs. */
  static SparkSession session() {
    if (!Files.isDirectory(TINY_MODEL)) throw new IllegalStateException("missing fixture " + TINY_MODEL);
    return Sessions.open("local[2,3]", "vlt-spark-test", Map.of("spark.sql.shuffle.partitions", "2"));
  }
}
