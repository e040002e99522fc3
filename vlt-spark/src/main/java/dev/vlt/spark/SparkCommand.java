package dev.vlt.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlt spark}: jobs on Apache Spark, run locally by the CLI or on a cluster with spark-submit ({@link SparkMain}). */
@Command(name = "spark", mixinStandardHelpOptions = true, subcommands = {SparkCommand.Embed.class, SparkCommand.Eval.class},
    description = "Embed and evaluate collections larger than one machine on Apache Spark ('vlt spark embed --help', 'vlt spark eval --help').")
public final class SparkCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Options every Spark job takes. */
  static final class SessionOptions {
    @Option(names = "--master", paramLabel = "URL",
        description = "Spark master, e.g. local[2], local[2,3] (3 attempts per task), spark://host:7077; default: spark-submit's, else local[*].")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable), e.g. --conf spark.task.maxFailures=4.")
    Map<String, String> conf = new LinkedHashMap<>();

    SparkSession open(String app) {
      return Sessions.open(master, app, conf);
    }
  }

  @Command(name = "embed", mixinStandardHelpOptions = true,
      description = {"Embed a collection's images into Parquet: id, location, caption, label, embedding (array<float>, L2-normalised), model_id.",
          "One row per readable image; unreadable ones are skipped, counted by reason and listed on stderr (exit code 1).",
          "Each executor JVM loads the model once; failed tasks are retried by Spark without duplicating rows."})
  public static final class Embed implements Callable<Integer> {
    @CommandLine.Mixin SessionOptions session = new SessionOptions();

    @Option(names = "--model", required = true, paramLabel = "MODEL",
        description = "A model folder every executor can read (a local path for local[N], a shared mount on a cluster), a folder URI "
            + "on a Hadoop filesystem (hdfs://..., file:///...) shipped to executors with SparkFiles, or a registry name.")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer instead of the model's.")
    String tokenizer;

    @Option(names = "--data", required = true, paramLabel = "SOURCE",
        description = "A manifest (.jsonl/.csv/.tsv), a folder of class folders, shards ('dir/shard-{000..009}.tar'), or a bundled set (emoji).")
    String data;

    @Option(names = "--out", required = true, paramLabel = "OUT.parquet", description = "The Parquet folder to write (any Hadoop path).")
    String out;

    @Option(names = "--overwrite", description = "Replace --out if it exists.")
    boolean overwrite;

    @Option(names = "--batch-size", defaultValue = "32", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--rows-per-task", defaultValue = "0", description = "Samples per Spark task (default: about 4 tasks per core, at most 2048 samples each).")
    int rowsPerTask;

    @Option(names = "--threads-per-task", defaultValue = "1",
        description = "Native compute threads per task (default ${DEFAULT-VALUE}: one per core Spark gives the task).")
    int threadsPerTask;

    @Option(names = "--json", description = "Print the summary as one JSON line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (rowsPerTask < 0) throw new IllegalArgumentException("--rows-per-task must not be negative, got " + rowsPerTask);
      EmbedJob.Request r = new EmbedJob.Request(model, tokenizer, data, out, batchSize, rowsPerTask, threadsPerTask, overwrite);
      SparkSession spark = session.open("vlt spark embed");
      EmbedJob.Summary s;
      try {
        s = EmbedJob.run(spark, r, System.err);
      } finally {
        spark.stop();
      }
      print(s, json, System.out);
      for (String line : s.skippedExamples()) System.err.println(line);
      if (s.skippedTotal() > s.skippedExamples().size()) System.err.println("(" + (s.skippedTotal() - s.skippedExamples().size()) + " more skipped)");
      return s.skippedTotal() > 0 ? 1 : 0;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = {"Zero-shot and retrieval figures over the Parquet of 'vlt spark embed', computed on Spark (exact ranks, no sampling).",
          "Zero-shot: each labelled row against its label among all labels present (prompt-ensembled class names).",
          "Retrieval: each row's caption against all images (text->image) and each image against all captions (image->text)."})
  public static final class Eval implements Callable<Integer> {
    @CommandLine.Mixin SessionOptions session = new SessionOptions();

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The model that made the rows (embeds captions and class names).")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer instead of the model's.")
    String tokenizer;

    @Option(names = "--embeddings", required = true, paramLabel = "OUT.parquet", description = "The Parquet of 'vlt spark embed'.")
    String embeddings;

    @Option(names = "--templates", defaultValue = "photo", description = "Prompt templates for class names: a built-in set (emoji, photo, shapes) or a file (default ${DEFAULT-VALUE}).")
    String templates;

    @Override
    public Integer call() throws Exception {
      SparkSession spark = session.open("vlt spark eval");
      EmbeddingEval.Report r;
      try {
        r = EmbeddingEval.run(spark, embeddings, model, tokenizer, templates);
      } finally {
        spark.stop();
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("embeddings", embeddings);
      m.put("rows", r.rows());
      m.put("classes", r.classes());
      m.put("zero_shot", r.zeroShot());
      m.put("captioned", r.captioned());
      m.put("text_to_image", r.textToImage());
      m.put("image_to_text", r.imageToText());
      m.put("seconds", r.seconds());
      System.out.println(new ObjectMapper().writeValueAsString(m));
      return 0;
    }
  }

  static void print(EmbedJob.Summary s, boolean json, PrintStream out) throws Exception {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("out", s.out());
      m.put("rows", s.rows());
      m.put("skipped", s.skippedTotal());
      m.put("skipped_by_reason", s.skipped());
      m.put("tasks", s.tasks());
      m.put("model_id", s.modelId());
      m.put("dim", s.dim());
      m.put("seconds", s.seconds());
      m.put("images_per_second", s.imagesPerSecond());
      out.println(new ObjectMapper().writeValueAsString(m));
      return;
    }
    out.printf(Locale.ROOT, "spark embed: %d rows written to %s%n", s.rows(), s.out());
    out.printf(Locale.ROOT, "spark embed: %d skipped%s; %d tasks, %.1f s, %.1f images/s%n", s.skippedTotal(),
        s.skipped().isEmpty() ? "" : " " + s.skipped(), s.tasks(), s.seconds(), s.imagesPerSecond());
  }
}
