package dev.vlt.cli;

import dev.vlt.data.DataExport;
import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSource;
import dev.vlt.data.DataSources;
import dev.vlt.data.SkipReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlt data export}: any source into one of the layouts {@code --data} reads. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write the samples of any --data source (images as PNG, captions, labels) as a CSV or JSON-lines manifest",
        "with an images/ folder, a folder of class sub-folders, or WebDataset shards; prints the --data value to train on."})
public final class DataExportCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "SOURCE", description = "What to export: a bundled set (emoji, photos, digits, ...), shapes, a manifest, folder or shards.")
  String data;

  @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "csv, jsonl, folder or shards.")
  String format;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (new or empty).")
  Path out;

  @Option(names = "--limit", defaultValue = "1000000", paramLabel = "N", description = "At most N samples, in the source's order (default ${DEFAULT-VALUE}).")
  long limit;

  @Option(names = "--shard-size", defaultValue = "1000", paramLabel = "N", description = "Samples per shard (default ${DEFAULT-VALUE}).")
  int shardSize;

  @Option(names = "--image-size", defaultValue = "64", paramLabel = "PX", description = "Side of generated images (shapes; default ${DEFAULT-VALUE}).")
  int imageSize;

  @Override
  public Integer call() throws Exception {
    DataExport.Format f;
    try {
      f = DataExport.Format.valueOf(format.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--format " + format + ": must be csv, jsonl, folder or shards");
    }
    if (Files.isDirectory(out)) {
      try (var entries = Files.list(out)) {
        if (entries.findAny().isPresent()) throw new IllegalArgumentException("--out " + out + " is not empty; choose a new or empty folder");
      }
    }
    SkipReport skips = new SkipReport();
    DataSource source = DataSources.open(data, DataOptions.defaults(imageSize).withShapes(1, limit, 0), skips);
    DataExport.Summary s = DataExport.export(source, f, out, limit, shardSize, skips);
    System.out.printf("wrote %d samples of %s; train on them with --data %s%n", s.written(), source.describe(), s.entry());
    if (skips.total() > 0) System.out.println(skips.summary());
    return 0;
  }
}
