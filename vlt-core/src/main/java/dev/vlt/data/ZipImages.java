package dev.vlt.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The entries of a small image zip, read into memory once (the bundled sets are a few MB). */
final class ZipImages {
  private final Path zip;
  private final Map<String, byte[]> entries = new HashMap<>();

  ZipImages(Path zip) throws IOException {
    this.zip = zip;
    try (ZipFile z = new ZipFile(zip.toFile())) {
      for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        if (!entry.isDirectory()) entries.put(entry.getName(), z.getInputStream(entry).readAllBytes());
      }
    }
  }

  /** The entry as an image source named {@code images.zip:name}; a missing entry is a {@code MISSING_FILE} at load. */
  ImageSource image(String name) {
    byte[] bytes = entries.get(name);
    String where = zip.getFileName() + ":" + name;
    if (bytes == null) return () -> {
      throw new java.nio.file.NoSuchFileException(where);
    };
    return ImageSource.bytes(bytes, where);
  }
}
