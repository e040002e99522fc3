package dev.vlt.cli;

import dev.vlt.data.image.ImageDecoder;
import dev.vlt.data.image.Raster8;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the image files named on a command line; an unreadable one is reported in one line and left out. */
final class Images {
  record Loaded(List<Path> paths, List<Raster8> images, int failed) {}

  private Images() {}

  static Loaded read(List<Path> files) {
    List<Path> ok = new ArrayList<>();
    List<Raster8> images = new ArrayList<>();
    int failed = 0;
    for (Path p : files) {
      try {
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException(p + ": no such file");
        images.add(ImageDecoder.decode(p));
        ok.add(p);
      } catch (Exception e) {
        failed++;
        System.err.println("vlt: skipped " + oneLine(e, p));
      }
    }
    return new Loaded(ok, images, failed);
  }

  private static String oneLine(Exception e, Path p) {
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    msg = msg.replace('\n', ' ');
    return msg.contains(p.toString()) ? msg : p + ": " + msg;
  }
}
