package dev.vlt.data.scenes;

import dev.vlt.data.Box;
import dev.vlt.data.EmojiSet;
import dev.vlt.data.GeneratedSource;
import dev.vlt.data.ImageSource;
import dev.vlt.data.Phrase;
import dev.vlt.data.Sample;
import dev.vlt.data.SampleList;
import dev.vlt.data.image.Raster8;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scenes of real emoji art: one to {@code maxObjects} Google Noto emoji ({@code shared/data/emoji-google-64}) scaled and
 * pasted without overlap onto a plain background, each with its tight box, its alpha mask (alpha ≥ 50 %) and its CLDR name
 * as box label and as a referring phrase ("the grinning face"). The caption names every emoji, left to right. The
 * composition is made up; the parts are real art, so grounding and segmentation meet real shapes and real names.
 *
 * <p>Splits: {@code train}, {@code val} and {@code test} draw names from the emoji set's train split, each in its own
 * layouts (test scenes are new layouts of the training names); {@code unseen} draws names from the emoji test split, which
 * no training scene shows. Sample i of a split is a pure function of (split, i), like ShapesWorld.
 */
public final class EmojiScenes implements GeneratedSource {
  public static final String NAME = "emoji-scenes";
  public static final List<String> SPLITS = List.of("train", "val", "test", "unseen");
  /** Emoji side as a fraction of the canvas side. */
  static final double MIN_SCALE = 0.3;
  static final double MAX_SCALE = 0.5;

  private final SampleList emoji;
  private final String split;
  private final int size;
  private final int maxObjects;
  private final long epochSize;
  private final long offset;
  private final ConcurrentHashMap<Integer, Raster8> art = new ConcurrentHashMap<>();

  EmojiScenes(SampleList emoji, String split, int size, int maxObjects, long epochSize, long offset) {
    if (!SPLITS.contains(split)) throw new IllegalArgumentException("emoji-scenes split must be one of " + SPLITS + ", got '" + split + "'");
    if (size < 16) throw new IllegalArgumentException("emoji scenes need at least 16 px, got " + size);
    if (maxObjects < 1 || maxObjects > 4) throw new IllegalArgumentException("emoji scenes hold 1..4 emoji, got " + maxObjects);
    if (epochSize < 1) throw new IllegalArgumentException("an epoch needs at least one sample, got " + epochSize);
    if (emoji.size() < maxObjects) throw new IllegalArgumentException("only " + emoji.size() + " emoji for scenes of " + maxObjects);
    this.emoji = emoji;
    this.split = split;
    this.size = size;
    this.maxObjects = maxObjects;
    this.epochSize = epochSize;
    this.offset = offset;
  }

  /** @param dir the emoji set's folder; {@code size} the canvas side (the model's input size) */
  public static EmojiScenes open(Path dir, String split, int size, int maxObjects, long epochSize, long offset) throws IOException {
    String s = split == null ? "train" : split.toLowerCase(Locale.ROOT);
    if (!SPLITS.contains(s)) throw new IllegalArgumentException("emoji-scenes split must be one of " + SPLITS + ", got '" + split + "'");
    return new EmojiScenes(EmojiSet.read(dir, s.equals("unseen") ? "test" : "train", false), s, size, maxObjects, epochSize, offset);
  }

  @Override
  public Sample get(long index) {
    long i = offset + index;
    SplittableRandom r = new SplittableRandom(mix(SPLITS.indexOf(split), i));
    int n = 1 + r.nextInt(maxObjects);
    int[] bg = {150 + r.nextInt(106), 150 + r.nextInt(106), 150 + r.nextInt(106)};
    byte[] rgb = new byte[size * size * 3];
    for (int p = 0; p < size * size; p++) for (int c = 0; c < 3; c++) rgb[p * 3 + c] = (byte) bg[c];
    List<int[]> placed = new ArrayList<>();  // {x, y, side, emoji index}
    for (int k = 0; k < n; k++) {
      for (int attempt = 0; attempt < 40; attempt++) {
        int side = (int) Math.round(size * (MIN_SCALE + (MAX_SCALE - MIN_SCALE) * r.nextDouble()));
        int x = r.nextInt(size - side + 1);
        int y = r.nextInt(size - side + 1);
        int e = r.nextInt(emoji.samples().size());
        if (placed.stream().noneMatch(o -> o[3] == e || overlaps(o, x, y, side))) {
          placed.add(new int[] {x, y, side, e});
          break;
        }
      }
    }
    placed.sort((a, b) -> Integer.compare(a[0] * 2 + a[2], b[0] * 2 + b[2]));  // left to right by centre
    List<Box> boxes = new ArrayList<>();
    List<Raster8> masks = new ArrayList<>();
    List<Phrase> phrases = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int[] o : placed) {
      String name = name(o[3]);
      byte[] mask = paste(art(o[3]), o[0], o[1], o[2], rgb);
      Box box = bounds(mask, name);
      if (box == null) continue;  // an emoji with no opaque pixel at this scale (does not happen with Noto art)
      phrases.add(new Phrase("the " + name, boxes.size()));
      boxes.add(box);
      masks.add(new Raster8(size, size, 1, mask));
      names.add(name);
    }
    String where = NAME + ":" + split + ":" + i;
    return new Sample(NAME + "/" + split + "/" + i, ImageSource.of(new Raster8(size, size, 3, rgb)), List.of(caption(names)),
        Sample.NO_LABEL, boxes, masks, where, phrases, List.of());
  }

  @Override
  public long epochSize() {
    return epochSize;
  }

  /** The emoji names scenes of this split draw from (the open vocabulary a segmenter or grounder is asked about). */
  @Override
  public List<String> classNames() {
    List<String> out = new ArrayList<>(emoji.samples().size());
    for (int e = 0; e < emoji.samples().size(); e++) out.add(name(e));
    return out;
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "emoji scenes (%s: %d %s names, 1-%d emoji on a %d px canvas, %d per epoch)", split,
        emoji.size(), split.equals("unseen") ? "held-out" : "training", maxObjects, size, epochSize);
  }

  private String name(int e) {
    return emoji.samples().get(e).captions().get(0);
  }

  private Raster8 art(int e) {
    return art.computeIfAbsent(e, k -> {
      try {
        Raster8 a = emoji.samples().get(k).image().load();
        if (a.mode().channels() != 4) throw new IllegalStateException(emoji.samples().get(k).location() + ": emoji art without alpha");
        return a;
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    });
  }

  private static boolean overlaps(int[] o, int x, int y, int side) {
    int gap = 1;
    return x < o[0] + o[2] + gap && o[0] < x + side + gap && y < o[1] + o[2] + gap && o[1] < y + side + gap;
  }

  /**
   * Composites {@code a} (straight RGBA), scaled to side × side by bilinear sampling of premultiplied colour, over the canvas
   * at (x, y); returns the canvas-sized mask of pixels whose scaled alpha is at least one half.
   */
  static byte[] paste(Raster8 a, int x, int y, int side, byte[] rgb) {
    int size = (int) Math.round(Math.sqrt(rgb.length / 3.0));
    byte[] mask = new byte[size * size];
    double sx = (double) a.width() / side;
    double sy = (double) a.height() / side;
    double[] px = new double[4];
    for (int v = 0; v < side; v++) {
      for (int u = 0; u < side; u++) {
        sample(a, (u + 0.5) * sx - 0.5, (v + 0.5) * sy - 0.5, px);
        double alpha = px[3];
        int p = ((y + v) * size + (x + u)) * 3;
        for (int c = 0; c < 3; c++) {
          double under = rgb[p + c] & 0xFF;
          rgb[p + c] = (byte) Math.round(Math.min(255, px[c] + (1 - alpha) * under));
        }
        if (alpha >= 0.5) mask[(y + v) * size + (x + u)] = (byte) 255;
      }
    }
    return mask;
  }

  /** Bilinear sample at (fx, fy): out = premultiplied r, g, b in 0..255 and alpha in 0..1. */
  private static void sample(Raster8 a, double fx, double fy, double[] out) {
    int x0 = (int) Math.floor(fx);
    int y0 = (int) Math.floor(fy);
    double tx = fx - x0;
    double ty = fy - y0;
    java.util.Arrays.fill(out, 0);
    for (int j = 0; j <= 1; j++) {
      for (int i = 0; i <= 1; i++) {
        double w = (i == 0 ? 1 - tx : tx) * (j == 0 ? 1 - ty : ty);
        int xx = Math.min(a.width() - 1, Math.max(0, x0 + i));
        int yy = Math.min(a.height() - 1, Math.max(0, y0 + j));
        int q = (yy * a.width() + xx) * 4;
        double al = (a.pixels()[q + 3] & 0xFF) / 255.0;
        for (int c = 0; c < 3; c++) out[c] += w * al * (a.pixels()[q + c] & 0xFF);
        out[3] += w * al;
      }
    }
  }

  private Box bounds(byte[] mask, String name) {
    int x0 = size, y0 = size, x1 = -1, y1 = -1;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        if (mask[y * size + x] != 0) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    }
    return x1 < 0 ? null : new Box(x0, y0, x1 + 1, y1 + 1, name);
  }

  static String caption(List<String> names) {
    if (names.isEmpty()) return "an empty background";
    if (names.size() == 1) return "a " + names.get(0);
    return "a " + String.join(", a ", names.subList(0, names.size() - 1)) + " and a " + names.get(names.size() - 1);
  }

  private static long mix(int split, long index) {
    long z = index * 0x9E3779B97F4A7C15L + (split + 1) * 0xBF58476D1CE4E5B9L + 0x5EED;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
