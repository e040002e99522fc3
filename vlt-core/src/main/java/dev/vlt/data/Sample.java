package dev.vlt.data;

import dev.vlt.data.image.Raster8;
import dev.vlt.data.video.Video;
import dev.vlt.data.video.VideoSource;
import java.util.List;
import java.util.Objects;

/**
 * One training or evaluation example. {@code captions} may be empty (classification data); {@code label} is a class index
 * or {@link #NO_LABEL}; {@code boxes} and {@code masks} (L rasters, nonzero = object) are parallel lists, possibly empty.
 * {@code location} names where the record came from ({@code manifest.jsonl:12}, {@code shard-000003.tar:abc}) for messages.
 * Boxes and masks are in the source image's pixels (the loader's batch holds transformed images: a task that uses geometry
 * maps them, e.g. by training with {@code crop_scale} 1 so the transform is a plain resize). {@code phrases} are referring
 * expressions, each naming one of the boxes; {@code questions} are questions about the image with their answers.
 */
public record Sample(String id, ImageSource image, List<String> captions, int label, List<Box> boxes, List<Raster8> masks,
    String location, List<Phrase> phrases, List<Question> questions) {
  public static final int NO_LABEL = -1;

  public Sample {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(image, "image");
    captions = List.copyOf(captions);
    boxes = List.copyOf(boxes);
    masks = List.copyOf(masks);
    Objects.requireNonNull(location, "location");
    phrases = List.copyOf(phrases);
    questions = List.copyOf(questions);
    if (!masks.isEmpty() && masks.size() != boxes.size()) {
      throw new IllegalArgumentException(location + ": " + masks.size() + " masks for " + boxes.size() + " boxes");
    }
    for (Phrase p : phrases) {
      if (p.box() >= boxes.size()) throw new IllegalArgumentException(location + ": phrase '" + p.text() + "' points at box "
          + p.box() + " of " + boxes.size());
    }
  }

  /** A sample without phrases or questions. */
  public Sample(String id, ImageSource image, List<String> captions, int label, List<Box> boxes, List<Raster8> masks, String location) {
    this(id, image, captions, label, boxes, masks, location, List.of(), List.of());
  }

  /** An image with captions and perhaps a label, no boxes. */
  public static Sample of(String id, ImageSource image, List<String> captions, int label, String location) {
    return new Sample(id, image, captions, label, List.of(), List.of(), location);
  }

  public boolean hasLabel() {
    return label != NO_LABEL;
  }

  /**
   * The decoded image, or null when it cannot be read: a missing file, bytes that are not a usable image or any other read
   * error, each recorded in {@code skips} with this sample's location (the loader, previews and exports skip alike).
   */
  public Raster8 loadOrSkip(SkipReport skips) {
    return readOrSkip(skips, image::load);
  }

  /**
   * {@code t} frames of the sample's video — one per equal segment, drawn with {@code rng}, or the segment centres when it
   * is null — or of a still image repeated t times; null when it cannot be read, recorded as {@link #loadOrSkip} does.
   */
  public List<Raster8> loadFramesOrSkip(SkipReport skips, int t, java.util.SplittableRandom rng) {
    return readOrSkip(skips, () -> {
      Video v = image instanceof VideoSource vs ? vs.video() : new Video(location, List.of(image.load()));
      return rng == null ? v.uniform(t) : v.random(t, rng);
    });
  }

  private interface Read<T> {
    T get() throws java.io.IOException;
  }

  private <T> T readOrSkip(SkipReport skips, Read<T> read) {
    try {
      return read.get();
    } catch (dev.vlt.data.image.BadImageException e) {
      skips.skip(SkipReport.Reason.of(e.reason()), location, e.source() + (e.detail().isEmpty() ? "" : ": " + e.detail()));
    } catch (java.nio.file.NoSuchFileException e) {
      skips.skip(SkipReport.Reason.MISSING_FILE, location, e.getFile());
    } catch (java.io.IOException e) {
      skips.skip(SkipReport.Reason.CORRUPT_IMAGE, location, "unreadable: " + e.getMessage());
    }
    return null;
  }
}
