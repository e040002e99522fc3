package dev.vlt.data;

import dev.vlt.data.scenes.EmojiScenes;
import dev.vlt.data.shapes.ShapesClipSource;
import dev.vlt.data.shapes.ShapesSource;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens what a {@code --data} flag names: a manifest ({@code .jsonl}, {@code .csv}, {@code .tsv}), a shard pattern
 * ({@code .tar}, braces allowed), an ImageFolder directory (captioned from its class names through prompt templates), the
 * built-in generated {@code shapes[:train|val|test]}, {@code shapes-clips[:train|val|test]} (videos; {@code shapes-clip-motions}
 * the same clips labelled by their motion; {@code shapes-clip-motions:train:move-left,grow} only those motions) and
 * {@code emoji-scenes[:train|val|test|unseen]} (generated sources mixed in turn with '+', e.g. {@code shapes+emoji-scenes};
 * labelled images and pairs mixed with {@code mix:LABELS,PAIRS}), or a bundled set: {@code emoji[:train|test|all[:name|described]]}
 * (captioned by name, or by category and name),
 * {@code emoji-styles[:SPLIT[:STYLE,...]]} (the emoji as styled domains), {@code photos},
 * {@code digits[:train|test|all]}, {@code fashion-mnist[:train|test]}.
 */
public final class DataSources {
  /** Samples a WebDataset shuffle buffer holds when the caller does not say. */
  public static final int DEFAULT_SHUFFLE_BUFFER = 1000;

  private DataSources() {}

  /** A source with the default options (class folders without captions, ShapesWorld at 64 px). */
  public static DataSource open(String spec, SkipReport skips) throws IOException {
    return open(spec, DataOptions.defaults(64).withClassTemplates(null), skips);
  }

  public static DataSource open(String spec, DataOptions options, SkipReport skips) throws IOException {
    if (spec.startsWith("mix:")) return MixedSource.open(spec.substring(4), options, skips);
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".tar") || spec.contains("{")) return WebDatasetSource.open(spec, DEFAULT_SHUFFLE_BUFFER);
    if (lower.endsWith(".jsonl") || lower.endsWith(".json") || lower.endsWith(".csv") || lower.endsWith(".tsv")) {
      Path manifest = Path.of(spec);
      if (!Files.isRegularFile(manifest)) throw new IllegalArgumentException("--data " + spec + ": manifest not found");
      return Manifest.read(manifest, skips, options.imageKey(), options.captionKey(), options.separator());
    }
    if (Files.isDirectory(Path.of(spec))) {
      return ImageFolder.read(Path.of(spec), options.classTemplates() == null ? null : Templates.load(options.classTemplates()));
    }
    if (spec.contains("+")) return GeneratedMix.open(spec, options, skips);
    String name = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
    String split = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
    return switch (name) {
      case ShapesWorld.NAME -> new ShapesSource(new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(options.imageSize())
          .withObjects(1, options.shapesObjects())), Split.parse(split == null ? "train" : split), options.epochSize(), options.offset());
      case ShapesClipSource.NAME, ShapesClipSource.MOTIONS -> ShapesClipSource.open(name, split, new ShapesWorld(
          ShapesWorldConfig.defaults().withImageSize(options.imageSize()).withObjects(1, options.shapesObjects())),
          options.epochSize(), options.offset());
      case "emoji" -> { // train/test are for classification, so without the 5 Component items; all keeps every emoji
        String s = split == null ? "all" : split;
        EmojiSet.Captions captions = EmojiSet.Captions.NAME;
        if (s.contains(":")) {
          captions = EmojiSet.Captions.of(s.substring(s.indexOf(':') + 1));
          s = s.substring(0, s.indexOf(':'));
        }
        yield EmojiSet.read(dataDir().resolve("emoji-google-64"), s, s.equals("all"), captions);
      }
      case dev.vlt.data.styles.EmojiStyles.NAME -> dev.vlt.data.styles.EmojiStyles.open(dataDir().resolve("emoji-google-64"), split);
      case EmojiScenes.NAME -> EmojiScenes.open(dataDir().resolve("emoji-google-64"), split, options.imageSize(),
          options.shapesObjects(), options.epochSize(), options.offset());
      case "photos" -> SkimagePhotos.read(dataDir().resolve("photos-skimage"));
      case "digits" -> Digits.read(dataDir().resolve("digits-8x8").resolve("digits.csv.gz"), split == null ? "all" : split);
      case "fashion-mnist" -> FashionMnist.read(FashionMnist.find().orElseThrow(() -> new IllegalArgumentException(
          "--data fashion-mnist: not installed (apt-get install dataset-fashion-mnist)")), split == null ? "train" : split);
      default -> throw new IllegalArgumentException("--data " + spec + ": not a manifest (.jsonl/.csv/.tsv), shard pattern (.tar),"
          + " folder, the built-in shapes, shapes-clips or emoji-scenes, or a bundled set (emoji, photos, digits, fashion-mnist)");
    };
  }

  /** Whether {@code spec} names an endless generated source (ShapesWorld, emoji scenes), whose epochs have no natural size. */
  public static boolean isGenerated(String spec) {
    if (spec.contains("+")) return java.util.Arrays.stream(spec.split("\\+")).allMatch(p -> isGenerated(p.strip()));
    String name = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
    return name.equals(ShapesWorld.NAME) || name.equals(EmojiScenes.NAME) || name.equals(ShapesClipSource.NAME)
        || name.equals(ShapesClipSource.MOTIONS);
  }

  /**
   * The bundled small datasets: {@code -Dvlt.data=DIR}, else {@code $VLT_DATA}, else {@code shared/data} beside the current
   * directory or one of its parents.
   */
  public static Path dataDir() {
    String explicit = System.getProperty("vlt.data", System.getenv("VLT_DATA"));
    if (explicit != null) return Path.of(explicit);
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared").resolve("data");
      if (Files.isDirectory(candidate)) return candidate;
    }
    throw new IllegalArgumentException("cannot find the bundled datasets (shared/data); set VLT_DATA=DIR");
  }
}
