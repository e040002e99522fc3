package dev.vlt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vlt} command: one subcommand per job (see DESIGN.md, "The command line"). */
@Command(
    name = "vlt",
    mixinStandardHelpOptions = true,
    version = "vlt 0.1.0",
    description = "Vision-language transformers on the JVM: define, train, evaluate and serve CLIP, MS-CLIP, CoCa and more (vlt models).",
    subcommands = {
        CommandLine.HelpCommand.class,
        InfoCommand.class,
        ModelsCommand.class,
        DownloadCommand.class,
        TokenizeCommand.class,
        EmbedCommand.class,
        ClassifyCommand.class,
        EvalCommand.class,
        QuickstartCommand.class,
        BenchCommand.class,
        TrainCommand.class,
        DataPreviewCommand.Group.class,
        IndexCommand.class,
        SearchCommand.class,
        ServeCommand.class,
        CaptionCommand.class,
        GroundCommand.class,
        ExperimentCommand.class,
        AnalyzeCommand.class,
        MatchCommand.class,
        VqaCommand.class,
        SegmentCommand.class,
        dev.vlt.spark.SparkCommand.class,
        ExportCommand.class,
    })
public final class Vlt implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code; user mistakes print one line, not a stack trace. */
  public static int execute(String... args) {
    // PNGs (plots, reports, overlays) are small: encode them in memory rather than through ImageIO's temp-file cache,
    // which registers a shutdown hook on first use and so throws when the first plot is written during a Ctrl-C'd exit.
    javax.imageio.ImageIO.setUseCache(false);
    CommandLine cli = new CommandLine(new Vlt());
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      Throwable root = ex;
      while (root.getCause() != null && (root.getMessage() == null || root instanceof RuntimeException && root.getCause() != null && root.getMessage().equals(root.getCause().toString()))) {
        root = root.getCause();
      }
      cmd.getErr().println("vlt: " + (root.getMessage() == null ? root.toString() : root.getMessage()));
      if (System.getenv("VLT_DEBUG") != null) ex.printStackTrace(cmd.getErr());
      return ex instanceof IllegalArgumentException || ex instanceof java.io.IOException ? 2 : 1;
    });
    return cli.execute(args);
  }
}
