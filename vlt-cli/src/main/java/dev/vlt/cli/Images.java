package dev.vlt.cli;

import dev.vlt.data.image.ImageDecoder;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.video.VideoDecoder;
import dev.vlt.infer.Embedder.Visual;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the image (and video) files named on a command line; an unreadable one is reported in one line and left out.
 * A video is a .gif, .mp4, .m4v or .mov file or a folder of frames ({@link VideoDecoder#isVideo}).
 */
final class Images {
  record Loaded(List<Path> paths, List<Raster8> images, int failed) {}

  /** Images and videos in input order, each read as its kind. */
  record LoadedVisuals(List<Path> paths, List<Visual> visuals, int failed) {
    boolean anyVideo() {
      return visuals.stream().anyMatch(v -> v.video() != null);
    }
  }

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

  /** Reads each file as an image or, by its form, a video; a file that fails gets one line on stderr and is left out. */
  static LoadedVisuals readVisuals(List<Path> files) {
    List<Path> ok = new ArrayList<>();
    List<Visual> visuals = new ArrayList<>();
    int failed = 0;
    for (Path p : files) {
      Visual v = readVisual(p);
      if (v == null) {
        failed++;
      } else {
        ok.add(p);
        visuals.add(v);
      }
    }
    return new LoadedVisuals(ok, visuals, failed);
  }

  /** One image or video, or null after one line on stderr saying why it was skipped. */
  static Visual readVisual(Path p) {
    try {
      if (!Files.exists(p)) throw new IllegalArgumentException(p + ": no such file");
      if (VideoDecoder.isVideo(p)) return new Visual(null, VideoDecoder.read(p));
      if (!Files.isRegularFile(p)) throw new IllegalArgumentException(p + ": not a file");
      return new Visual(ImageDecoder.decode(p), null);
    } catch (Exception e) {
      System.err.println("vlt: skipped " + oneLine(e, p));
      return null;
    }
  }

  private static String oneLine(Exception e, Path p) {
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    msg = msg.replace('\n', ' ');
    return msg.contains(p.toString()) ? msg : p + ": " + msg;
  }
}
