package dev.vlt.cli;

import dev.vlt.data.shapes.ShapesClip;
import dev.vlt.data.shapes.ShapesPreview;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlt data preview}: a PNG contact sheet of a dataset's samples, to look at before training on it. */
@Command(name = "preview", mixinStandardHelpOptions = true,
    description = "Write a contact sheet (PNG) of samples with captions, boxes and masks, or with --video a row of frames per clip.")
public final class DataPreviewCommand implements Callable<Integer> {
  /** The {@code vlt data} group; preview is its first subcommand. */
  @Command(name = "data", mixinStandardHelpOptions = true, description = "Look at datasets.",
      subcommands = {DataPreviewCommand.class})
  public static final class Group implements Runnable {
    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Option(names = "--data", defaultValue = ShapesWorld.NAME, description = "Dataset; the built-in 'shapes' (default).")
  String data;

  @Option(names = "--out", required = true, description = "PNG file to write.")
  Path out;

  @Option(names = "--n", description = "Samples (default 16) or, with --video, clips (default 4).")
  Integer n;

  @Option(names = "--seed", defaultValue = "0", description = "Generator seed (default 0).")
  long seed;

  @Option(names = "--split", defaultValue = "train", description = "train, val or test (test: held-out combos).")
  String split;

  @Option(names = "--video", description = "Preview video clips instead of images.")
  boolean video;

  @Option(names = "--image-size", defaultValue = "64", description = "Image side in pixels (default 64).")
  int imageSize;

  @Option(names = "--scale", description = "Upscaling factor of the sheet (default 4; 3 with --video).")
  Integer scale;

  @Option(names = "--frames", defaultValue = "8", description = "Frames per clip with --video (default 8).")
  int frames;

  @Override
  public Integer call() throws IOException {
    System.setProperty("java.awt.headless", "true");
    if (!ShapesWorld.NAME.equals(data)) {
      throw new IllegalArgumentException("--data " + data + ": preview knows only the built-in '" + ShapesWorld.NAME + "'");
    }
    int count = n == null ? (video ? 4 : 16) : n;
    if (count < 1 || count > 400) throw new IllegalArgumentException("--n " + count + " is outside 1..400");
    int zoom = scale == null ? (video ? 3 : 4) : scale;
    if (zoom < 1 || zoom > 16) throw new IllegalArgumentException("--scale " + zoom + " is outside 1..16");
    ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withSeed(seed).withImageSize(imageSize).withVideoFrames(frames));
    Split s = Split.parse(split);
    BufferedImage sheet;
    if (video) {
      List<ShapesClip> clips = new ArrayList<>();
      for (int i = 0; i < count; i++) clips.add(world.clip(s, i));
      sheet = ShapesPreview.clips(clips, zoom);
    } else {
      List<ShapesSample> samples = world.samples(s, 0, count).toList();
      sheet = ShapesPreview.samples(samples, zoom);
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    if (!ImageIO.write(sheet, "png", out.toFile())) throw new IOException("no PNG writer for " + out);
    System.out.printf("wrote %s (%d×%d, %d %s of %s/%s)%n", out, sheet.getWidth(), sheet.getHeight(), count,
        video ? "clips" : "samples", data, s.word());
    return 0;
  }
}
