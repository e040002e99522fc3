package dev.vlt.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.Raster8;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes any source's samples (images re-encoded as PNG, captions, labels) in one of the layouts {@code --data} reads:
 * a CSV or JSON-lines manifest beside an {@code images/} folder, a folder of class sub-folders, or WebDataset shards.
 * For moving data between layouts, and for trying {@code vlt train} on "your own data" made from a bundled set.
 */
public final class DataExport {
  public enum Format { CSV, JSONL, FOLDER, SHARDS }

  /** @param entry the manifest file, the folder or the shard pattern to pass to {@code --data} */
  public record Summary(String entry, long written, long skipped) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private DataExport() {}

  /**
   * The first {@code limit} readable samples of {@code source} in its own order, into {@code out} (created; must not hold
   * files of an earlier export). Unreadable samples are skipped into {@code skips}.
   */
  public static Summary export(DataSource source, Format format, Path out, long limit, int shardSize, SkipReport skips)
      throws IOException {
    if (limit < 1) throw new IllegalArgumentException("export needs at least one sample, got " + limit);
    if (shardSize < 1) throw new IllegalArgumentException("shard size must be at least 1, got " + shardSize);
    List<String> classes = source.classNames();
    if (format == Format.FOLDER && classes.isEmpty()) {
      throw new IllegalArgumentException(source.describe() + " has no class names: a class folder needs labelled samples");
    }
    Files.createDirectories(out);
    Iterator<Sample> it = source.stream(0, skips);
    long written = 0;
    long seen = 0;
    try (Sink sink = sink(format, out, classes, shardSize)) {
      while (written < limit && it.hasNext()) {
        Sample s = it.next();
        seen++;
        Raster8 image = s.loadOrSkip(skips);
        if (image == null) continue;
        if (format == Format.FOLDER && !s.hasLabel()) continue;
        sink.write(written++, png(image), s);
      }
    }
    return new Summary(switch (format) {
      case CSV -> out.resolve("pairs.csv").toString();
      case JSONL -> out.resolve("pairs.jsonl").toString();
      case FOLDER -> out.toString();
      case SHARDS -> out.resolve(String.format(Locale.ROOT, "shard-{%06d..%06d}.tar", 0, Math.max(0, (written - 1) / shardSize))).toString();
    }, written, seen - written);
  }

  private static byte[] png(Raster8 image) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image.toBufferedImage(), "png", bytes);
    return bytes.toByteArray();
  }

  /** One layout's writer. */
  private interface Sink extends AutoCloseable {
    void write(long n, byte[] png, Sample s) throws IOException;

    @Override
    void close() throws IOException;
  }

  private static Sink sink(Format format, Path out, List<String> classes, int shardSize) throws IOException {
    return switch (format) {
      case CSV -> manifest(out, classes, true);
      case JSONL -> manifest(out, classes, false);
      case FOLDER -> new Sink() {
        @Override
        public void write(long n, byte[] png, Sample s) throws IOException {
          Path dir = Files.createDirectories(out.resolve(classes.get(s.label())));
          Files.write(dir.resolve(String.format(Locale.ROOT, "%06d.png", n)), png);
        }

        @Override
        public void close() {}
      };
      case SHARDS -> shards(out, classes, shardSize);
    };
  }

  /** images/NNNNNN.png and a manifest row per sample: filepath, caption, and label (a class name) where there is one. */
  private static Sink manifest(Path out, List<String> classes, boolean csv) throws IOException {
    Path images = Files.createDirectories(out.resolve("images"));
    Writer w = Files.newBufferedWriter(out.resolve(csv ? "pairs.csv" : "pairs.jsonl"), StandardCharsets.UTF_8);
    if (csv) w.write("filepath,caption,label\n");
    return new Sink() {
      @Override
      public void write(long n, byte[] png, Sample s) throws IOException {
        String name = String.format(Locale.ROOT, "%06d.png", n);
        Files.write(images.resolve(name), png);
        String caption = s.captions().isEmpty() ? "" : s.captions().get(0);
        String label = s.hasLabel() ? (s.label() < classes.size() ? classes.get(s.label()) : Integer.toString(s.label())) : "";
        if (csv) {
          w.write("images/" + name + "," + quote(caption) + "," + quote(label) + "\n");
        } else {
          ObjectNode o = JSON.createObjectNode().put("image", "images/" + name).put("caption", caption);
          if (!label.isEmpty()) o.put("label", label);
          w.write(JSON.writeValueAsString(o) + "\n");
        }
      }

      @Override
      public void close() throws IOException {
        w.close();
      }
    };
  }

  private static String quote(String field) {
    return field.contains(",") || field.contains("\"") || field.contains("\n") ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
  }

  /** WebDataset shards of {@code shardSize} samples: NNNNNN.png, NNNNNN.txt (the caption) and NNNNNN.cls (the label). */
  private static Sink shards(Path out, List<String> classes, int shardSize) {
    return new Sink() {
      private TarArchiveOutputStream tar;
      private OutputStream file;

      @Override
      public void write(long n, byte[] png, Sample s) throws IOException {
        if (n % shardSize == 0) {
          close();
          file = Files.newOutputStream(out.resolve(String.format(Locale.ROOT, "shard-%06d.tar", n / shardSize)));
          tar = new TarArchiveOutputStream(file);
        }
        String key = String.format(Locale.ROOT, "%06d", n);
        put(key + ".png", png);
        if (!s.captions().isEmpty()) put(key + ".txt", s.captions().get(0).getBytes(StandardCharsets.UTF_8));
        if (s.hasLabel()) put(key + ".cls", Integer.toString(s.label()).getBytes(StandardCharsets.UTF_8));
      }

      private void put(String name, byte[] bytes) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(bytes.length);
        tar.putArchiveEntry(e);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }

      @Override
      public void close() throws IOException {
        if (tar != null) {
          tar.close();
          tar = null;
        }
      }
    };
  }
}
