package dev.vlt.index;

import dev.vlt.data.DataSource;
import dev.vlt.data.DataSources;
import dev.vlt.data.ImageSource;
import dev.vlt.data.IndexedSource;
import dev.vlt.data.Sample;
import dev.vlt.data.SampleList;
import dev.vlt.data.SkipReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The images an index is built from, named by one {@code --images} spec: a folder (every image file below it, symbolic
 * links not followed, so nothing outside the folder is reachable), or anything {@link DataSources} opens with random
 * access: a manifest ({@code .jsonl}, {@code .csv}, {@code .tsv}) or a bundled set such as {@code emoji}.
 *
 * <p>Folder images are keyed by absolute path and stamped with size + mtime, so unchanged files are never decoded again;
 * data-set samples are keyed by sample id and stamped by a hash of their decoded pixels.
 */
public final class ImageCollection {
  private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "webp");

  private final String spec;
  private final Path root; // the folder, or null for a data source
  private final String description;
  private final List<IndexItem> items;
  private final Map<String, IndexItem> byKey;
  private final SkipReport skips;

  private ImageCollection(String spec, Path root, String description, List<IndexItem> items, SkipReport skips) {
    this.spec = spec;
    this.root = root;
    this.description = description;
    this.items = List.copyOf(items);
    this.byKey = new LinkedHashMap<>();
    for (IndexItem i : items) byKey.put(i.key(), i);
    this.skips = skips;
  }

  /** Opens a folder path, manifest path or bundled data-set name. */
  public static ImageCollection open(String spec) throws IOException {
    Path p = Path.of(spec);
    if (Files.isDirectory(p)) return folder(p.toAbsolutePath().normalize());
    SkipReport skips = new SkipReport();
    String resolved = Files.isRegularFile(p) ? p.toAbsolutePath().normalize().toString() : spec;
    DataSource source;
    try {
      source = DataSources.open(resolved, skips);
    } catch (IllegalArgumentException e) { // DataSources speaks of --data; here the flag is --images
      throw new IllegalArgumentException(e.getMessage().replaceFirst("^--data ", "--images "), e);
    }
    if (!(source instanceof IndexedSource indexed)) {
      throw new IllegalArgumentException("--images " + spec + ": " + source.describe()
          + " streams its samples; index a folder, a manifest or a bundled set instead");
    }
    List<String> classNames = indexed instanceof SampleList list ? list.classNames() : List.of();
    List<IndexItem> items = new ArrayList<>(indexed.count());
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < indexed.count(); i++) {
      Sample s = indexed.get(i);
      if (!seen.add(s.id())) {
        skips.skip(SkipReport.Reason.MALFORMED_RECORD, s.location(), "duplicate id '" + s.id() + "' (first one kept)");
        continue;
      }
      Map<String, String> meta = new LinkedHashMap<>();
      if (s.hasLabel()) meta.put("label", s.label() < classNames.size() ? classNames.get(s.label()) : Integer.toString(s.label()));
      String caption = s.captions().isEmpty() ? null : String.join(" | ", s.captions());
      items.add(new IndexItem(s.id(), s.id(), caption, meta, null, s.image()));
    }
    if (items.isEmpty()) throw new IllegalArgumentException("--images " + spec + ": no samples (" + skips.summary() + ")");
    return new ImageCollection(resolved, null, source.describe(), items, skips);
  }

  private static ImageCollection folder(Path root) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) { // walk does not follow links
      files = s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && EXTENSIONS.contains(extension(f))).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("--images " + root + ": no image files (" + String.join(", ", EXTENSIONS.stream().sorted().toList())
          + ") below it; for a bundled set give its name, e.g. --images emoji");
    }
    List<IndexItem> items = new ArrayList<>(files.size());
    for (Path f : files) {
      BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      String rel = root.relativize(f).toString();
      Path parent = root.relativize(f).getParent();
      Map<String, String> meta = parent == null ? Map.of() : Map.of("folder", parent.toString());
      String stamp = "f:" + a.size() + ":" + a.lastModifiedTime().toMillis();
      items.add(new IndexItem(f.toString(), rel, null, meta, stamp, ImageSource.file(f)));
    }
    return new ImageCollection(root.toString(), root, "folder " + root + " (" + items.size() + " images)", items, new SkipReport());
  }

  /** What the index records as its source and {@link #open} accepts again: an absolute path or a bundled set's name. */
  public String spec() {
    return spec;
  }

  public String describe() {
    return description;
  }

  /** Every image, in a stable order (sorted paths, or source order). */
  public List<IndexItem> items() {
    return items;
  }

  /** Records left out while reading a manifest (malformed lines, duplicate ids). */
  public SkipReport skips() {
    return skips;
  }

  /**
   * The pixels of the item with this key, for thumbnails. Only keys of this collection resolve: a folder key must be a
   * regular file (not a link) below the folder as it is now.
   *
   * @throws IllegalArgumentException when the key is not part of the collection
   */
  public ImageSource image(String key) {
    IndexItem item = byKey.get(key);
    if (item == null) throw new IllegalArgumentException("not in the collection: " + key);
    if (root != null) {
      Path p = Path.of(key).normalize();
      if (!p.startsWith(root) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException("not in the collection: " + key);
      }
    }
    return item.image();
  }

  private static String extension(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
