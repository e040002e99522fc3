package dev.vlt.data.shapes;

import dev.vlt.data.GeneratedSource;
import dev.vlt.data.Sample;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.video.Video;
import dev.vlt.data.video.VideoSource;
import java.util.ArrayList;
import java.util.List;

/**
 * ShapesWorld's video clips as a data source ({@code --data shapes-clips[:train|val|test]}): clip i of a split, its
 * frames and sound track a pure function of (seed, split, i), with its three motion captions ("a green triangle moves to the right", …).
 * The test split's clips show only held-out colour×shape combinations. Endless: an epoch is {@code epochSize} fresh clips.
 *
 * <p>{@code --data shapes-clip-motions[:split]} is the same world as video-label data, what UniVLC mixes with video-text
 * pairs: each clip labelled by its motion (label = {@link Motion#ordinal()}, class name "something moves to the left",
 * the caption the same text), so a batch's clips of one motion are positives of each other whatever their objects, and
 * clips that differ only in direction or growth are negatives — the contrast a caption stream rarely puts in one batch.
 * Its clips are drawn from a separate range of indices ({@link #MOTIONS_OFFSET} on), so mixed with {@code shapes-clips}
 * ({@code --data shapes-clips+shapes-clip-motions}) no clip appears in both streams.
 */
public final class ShapesClipSource implements GeneratedSource {
  /** The name that selects this source on the command line. */
  public static final String NAME = "shapes-clips";
  /** The name of the video-label view: clips labelled by their motion. */
  public static final String MOTIONS = "shapes-clip-motions";
  /** Where the motion-labelled view starts drawing clip indices. */
  public static final long MOTIONS_OFFSET = 1L << 40;

  private final ShapesWorld world;
  private final Split split;
  private final long epochSize;
  private final long offset;
  private final boolean motionLabels;

  public ShapesClipSource(ShapesWorld world, Split split, long epochSize, long offset) {
    this(world, split, epochSize, offset, false);
  }

  /** @param motionLabels the video-label view: each clip labelled and captioned by its motion alone */
  public ShapesClipSource(ShapesWorld world, Split split, long epochSize, long offset, boolean motionLabels) {
    if (epochSize < 1) throw new IllegalArgumentException("an epoch needs at least one clip, got " + epochSize);
    if (offset < 0) throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    this.world = world;
    this.split = split;
    this.epochSize = epochSize;
    this.offset = offset;
    this.motionLabels = motionLabels;
  }

  @Override
  public Sample get(long index) {
    long i = (motionLabels ? MOTIONS_OFFSET : 0) + offset + index;
    ShapesClip clip = world.clip(split, i);
    String where = NAME + ":" + split.word() + ":" + i;
    if (motionLabels) {
      return Sample.of(MOTIONS + "/" + split.word() + "/" + i, VideoSource.of(video(clip, where)),
          List.of(motionClass(clip.motion())), clip.motion().ordinal(), where);
    }
    return Sample.of(NAME + "/" + split.word() + "/" + i, VideoSource.of(video(clip, where)), clip.captions(), Sample.NO_LABEL,
        where);
  }

  /** A motion as a class name and its caption: "something moves to the left", "something changes colour". */
  public static String motionClass(Motion motion) {
    return "something " + (motion == Motion.CHANGE_COLOR ? "changes colour" : motion.verb());
  }

  /** A clip's frames as a {@link Video} of RGB rasters. */
  public static Video video(ShapesClip clip, String source) {
    List<Raster8> frames = new ArrayList<>(clip.frameCount());
    for (int[] f : clip.frames()) frames.add(new Raster8(clip.imageSize(), clip.imageSize(), 3, ShapesSample.rgbBytes(f)));
    return new Video(source, frames);
  }

  @Override
  public long epochSize() {
    return epochSize;
  }

  @Override
  public List<String> classNames() {
    if (!motionLabels) return List.of();
    return java.util.Arrays.stream(Motion.values()).map(ShapesClipSource::motionClass).toList();
  }

  public ShapesWorld world() {
    return world;
  }

  public Split split() {
    return split;
  }

  @Override
  public String describe() {
    var c = world.config();
    return (motionLabels ? MOTIONS : NAME) + "/" + split.word() + " (" + c.videoFrames() + " frames of " + c.imageSize() + " px, up to "
        + Math.min(3, c.maxObjects()) + " objects, " + epochSize + " clips per epoch)";
  }
}
