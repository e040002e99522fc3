package dev.vlt.cli;

import dev.vlt.data.image.ImageDecoder;
import dev.vlt.index.Hit;
import dev.vlt.index.VectorIndex;
import dev.vlt.infer.Embedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "search", mixinStandardHelpOptions = true,
    description = {"Search an index by text or by image: the top k entries by cosine similarity, as a table or JSON lines.",
        "Queries are embedded by the model the index was built with (recorded in the index)."})
public final class SearchCommand implements Callable<Integer> {
  @Mixin ThreadsOption threads;

  @Option(names = "--index", required = true, paramLabel = "INDEX_DIR", description = "An index made by 'vlt index build'.")
  Path index;

  @Mixin IndexModelOptions modelOptions;

  @Option(names = "--image", paramLabel = "FILE", description = "Search by this image instead of by text.")
  Path image;

  @Option(names = {"-k", "--top"}, defaultValue = "10", description = "Results (default ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--exact", description = "Exact brute-force search over every vector instead of the HNSW graph.")
  boolean exact;

  @Option(names = "--json", description = "One JSON line per result.")
  boolean json;

  @Parameters(arity = "0..*", paramLabel = "TEXT", description = "The text query (words are joined with spaces).")
  List<String> words;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    String text = words == null ? "" : String.join(" ", words).strip();
    if (text.isEmpty() == (image == null)) throw new IllegalArgumentException("give a text query or --image FILE (exactly one)");
    if (k < 1) throw new IllegalArgumentException("-k must be at least 1, got " + k);
    if (image != null && !Files.isRegularFile(image)) throw new IllegalArgumentException("--image " + image + ": no such file");
    try (VectorIndex vi = VectorIndex.open(index); Embedder e = modelOptions.open(vi)) {
      float[] query = image != null ? e.embedImages(List.of(ImageDecoder.decode(image)))[0] : e.embedTexts(List.of(text))[0];
      long t0 = System.nanoTime();
      List<Hit> hits = vi.search(query, k, exact);
      double ms = (System.nanoTime() - t0) / 1e6;
      for (int i = 0; i < hits.size(); i++) print(i + 1, hits.get(i));
      if (!json) {
        System.out.printf(Locale.ROOT, "(%d of %d vectors, %s search %.1f ms in a cold JVM; 'vlt bench search' measures warm latency)%n", hits.size(), vi.info().count(), exact ? "exact" : "HNSW", ms);
      }
      return 0;
    }
  }

  private void print(int rank, Hit h) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rank", rank);
      m.put("score", h.score());
      m.put("id", h.id());
      m.put("name", h.name());
      m.put("path", h.key());
      m.put("caption", h.caption());
      m.put("metadata", h.metadata());
      JsonLines.print(m);
    } else {
      if (rank == 1) System.out.printf("%4s  %7s  %-40s  %s%n", "rank", "score", "name", "caption");
      System.out.printf(Locale.ROOT, "%4d  %7.4f  %-40s  %s%n", rank, h.score(), h.name(), h.caption() == null ? "" : h.caption());
    }
  }
}
