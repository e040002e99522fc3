package dev.vlt.serve;

import dev.vlt.index.ImageCollection;
import dev.vlt.index.IndexBuilder;
import dev.vlt.index.IndexModels;
import dev.vlt.index.VectorIndexWriter;
import dev.vlt.infer.Embedder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The end-to-end fixture model (real CLIP vocabulary, tiny random weights: rankings mean nothing, the plumbing is real)
 * and a small index of emoji art from ../shared/data.
 */
final class ServeFixtures {
  static final Path SHARED = Path.of(System.getProperty("vlt.shared", "../../shared"));
  static final Path MODEL = SHARED.resolve("fixtures/clip_e2e_tiny");
  static final Path MERGES = SHARED.resolve("fixtures/tokenizer/bpe_simple_vocab_16e6.txt.gz");
  static final Path EMOJI_ZIP = SHARED.resolve("data/emoji-google-64/images.zip");

  private ServeFixtures() {}

  static Embedder embedder() throws IOException {
    return Embedder.open(MODEL.toString(), MERGES);
  }

  /** Every {@code step}-th emoji PNG of the zip, up to {@code n}, unpacked into {@code dir}. */
  static List<Path> emoji(Path dir, int n, int step) throws IOException {
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    try (ZipFile zip = new ZipFile(EMOJI_ZIP.toFile())) {
      List<? extends ZipEntry> entries = Collections.list(zip.entries()).stream().filter(e -> e.getName().endsWith(".png")).toList();
      for (int i = 0; i < entries.size() && out.size() < n; i += step) {
        Path p = dir.resolve(Path.of(entries.get(i).getName()).getFileName().toString());
        try (InputStream in = zip.getInputStream(entries.get(i))) {
          Files.copy(in, p);
        }
        out.add(p);
      }
    }
    return out;
  }

  static IndexBuilder.Report buildIndex(Embedder e, Path images, Path index) throws IOException {
    IndexBuilder.Model model = IndexModels.describe(e, MODEL.toString(), MERGES);
    try (VectorIndexWriter w = VectorIndexWriter.open(index, 16, 2)) {
      return new IndexBuilder(e::embedImages, model, 32, 512, 2).sync(ImageCollection.open(images.toString()), w, IndexBuilder.Listener.NONE);
    }
  }
}
