package dev.vlt.spark;

import picocli.CommandLine;

/**
 * The job jar's entry point for spark-submit, taking what {@code vlt spark} takes:
 * {@code spark-submit --class dev.vlt.spark.SparkMain vlt-spark-job.jar embed --model ... --data ... --out ...}.
 */
public final class SparkMain {
  private SparkMain() {}

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new SparkCommand());
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("vlt spark: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
      if (System.getenv("VLT_DEBUG") != null) ex.printStackTrace(cmd.getErr());
      return ex instanceof IllegalArgumentException || ex instanceof java.io.IOException ? 2 : 1;
    });
    System.exit(cli.execute(args));
  }
}
