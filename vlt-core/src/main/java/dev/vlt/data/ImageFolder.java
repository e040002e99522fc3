package dev.vlt.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * torchvision's ImageFolder layout: {@code root/<class>/**}{@code /<image>}. Classes are the sub-folders in sorted order
 * (label = position), images are the files with an image extension below each, in sorted path order. No captions.
 */
public final class ImageFolder {
  private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "ppm", "bmp", "pgm", "tif", "tiff", "webp", "gif");

  private ImageFolder() {}

  public static SampleList read(Path root) throws IOException {
    return read(root, null);
  }

  /**
   * As {@link #read(Path)}, each image captioned with {@code templates} filled with its class name (underscores and
   * dashes read as spaces), so a classification folder can train an image-text model; null leaves images uncaptioned.
   */
  public static SampleList read(Path root, List<String> templates) throws IOException {
    if (!Files.isDirectory(root)) throw new IllegalArgumentException(root + ": not a folder");
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs = s.filter(Files::isDirectory).sorted().toList();
    }
    if (classDirs.isEmpty()) throw new IllegalArgumentException(root + ": no class sub-folders (expected root/<class>/<image>)");
    List<String> names = new ArrayList<>();
    List<Sample> samples = new ArrayList<>();
    for (Path dir : classDirs) {
      int label = names.size();
      names.add(dir.getFileName().toString());
      List<String> captions = templates == null ? List.of() : Templates.fill(templates, words(dir.getFileName().toString()));
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(p -> Files.isRegularFile(p) && EXTENSIONS.contains(extension(p))).sorted().toList();
      }
      for (Path f : files) {
        String rel = root.relativize(f).toString();
        samples.add(Sample.of(rel, ImageSource.file(f), captions, label, rel));
      }
    }
    if (samples.isEmpty()) throw new IllegalArgumentException(root + ": no image files in " + names);
    return new SampleList("image folder " + root, samples, names);
  }

  /** A folder name as words: "golden_retriever" → "golden retriever". */
  static String words(String folderName) {
    return folderName.replace('_', ' ').replace('-', ' ').strip();
  }

  private static String extension(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
