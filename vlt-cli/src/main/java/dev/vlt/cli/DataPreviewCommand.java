package dev.vlt.cli;

import dev.vlt.data.shapes.ShapesClip;
import dev.vlt.data.shapes.ShapesPreview;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSource;
import dev.vlt.data.DataSources;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.Raster8;
import dev.vlt.report.ContactSheet;
import java.awt.image.BufferedImage;
import java.util.Iterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlt data preview}: a PNG contact sheet of any data source's samples, to look at before training on it. */
@Command(name = "preview", mixinStandardHelpOptions = true,
    description = {"Write a contact sheet (PNG) of the first samples of any --data source: images with their captions, labels and boxes.",
        "For the built-in shapes: masks, referring expressions and questions too, or with --video a row of frames per clip."})
public final class DataPreviewCommand implements Callable<Integer> {
  /** The {@code vlt data} group; preview is its first subcommand. */
  @Command(name = "data", mixinStandardHelpOptions = true, description = "Look at datasets.",
      subcommands = {DataPreviewCommand.class, DataExportCommand.class})
  public static final class Group implements Runnable {
    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Option(names = "--data", defaultValue = ShapesWorld.NAME, paramLabel = "SOURCE",
      description = "shapes (default), a .csv/.tsv/.jsonl manifest, a class folder, .tar shards, or a bundled set (emoji, photos, ...).")
  String data;

  @Option(names = "--csv-img-key", paramLabel = "KEY", description = "Manifest column/field of the image path.")
  String csvImgKey;

  @Option(names = "--csv-caption-key", paramLabel = "KEY", description = "Manifest column/field of the caption.")
  String csvCaptionKey;

  @Option(names = "--csv-separator", paramLabel = "C", description = "CSV separator (default by extension).")
  String csvSeparator;

  @Option(names = "--class-templates", paramLabel = "NAME|FILE", defaultValue = "photo",
      description = "Prompt templates that caption a class folder's images (default ${DEFAULT-VALUE}).")
  String classTemplates;

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
    int count = n == null ? (video ? 4 : 16) : n;
    if (!ShapesWorld.NAME.equals(data)) return previewSource(count);
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

  /** The first {@code count} readable samples of any source, in its own order; unreadable ones are counted and named. */
  private int previewSource(int count) throws IOException {
    if (video) throw new IllegalArgumentException("--video previews only the built-in shapes clips");
    SkipReport skips = new SkipReport();
    Character sep = csvSeparator == null ? null : csvSeparator.equals("\\t") ? Character.valueOf('\t') : Character.valueOf(csvSeparator.charAt(0));
    DataOptions options = DataOptions.defaults(imageSize).withKeys(csvImgKey, csvCaptionKey, sep).withClassTemplates(classTemplates);
    DataSource source = DataSources.open(data, options, skips);
    List<String> classes = source.classNames();
    List<ContactSheet.Cell> cells = new ArrayList<>();
    Iterator<Sample> it = source.stream(seed, skips);
    int read = 0;
    while (cells.size() < count && it.hasNext()) {
      Sample x = it.next();
      read++;
      Raster8 image = x.loadOrSkip(skips);
      if (image == null) continue;
      List<String> lines = new ArrayList<>();
      lines.add(x.id());
      if (!x.captions().isEmpty()) lines.add(x.captions().get(0) + (x.captions().size() > 1 ? " (+" + (x.captions().size() - 1) + ")" : ""));
      if (x.hasLabel()) lines.add("label " + x.label() + (x.label() < classes.size() ? ": " + classes.get(x.label()) : ""));
      List<float[]> boxes = x.boxes().stream().map(b -> new float[] {b.x0(), b.y0(), b.x1(), b.y1()}).toList();
      cells.add(new ContactSheet.Cell(image.toBufferedImage(), boxes, lines));
    }
    if (cells.isEmpty()) throw new IllegalArgumentException("--data " + data + ": no readable sample among the first " + read + " (" + skips.summary() + ")");
    int zoom = scale == null ? 2 : scale;
    BufferedImage sheet = ContactSheet.render(source.describe(), cells, Math.max(96, Math.min(256, imageSize * zoom)));
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    if (!ImageIO.write(sheet, "png", out.toFile())) throw new IOException("no PNG writer for " + out);
    System.out.printf("wrote %s (%d×%d, the first %d samples of %s)%n", out, sheet.getWidth(), sheet.getHeight(), cells.size(), source.describe());
    if (skips.total() > 0) System.out.println(skips.summary());
    return 0;
  }
}
