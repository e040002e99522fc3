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
 *
 * <p>{@code --data shapes-clip-motions:train:move-left,move-right,grow} keeps only clips of the motions named (labels
 * 0..k-1 in that order, class names theirs): a model then trains on some classes and meets the others only at test time
 * (MOV's base and novel classes). Sample i is the first clip of the wanted motions among indices
 * [{@link #STRIDE}·i, {@link #STRIDE}·(i+1)), i counted from the view's start as above, so samples stay a pure function of
 * i and never share a clip (the motions view's range then starts at {@link #STRIDE}·{@link #MOTIONS_OFFSET}).
 */
public final class ShapesClipSource implements GeneratedSource {
  /** The name that selects this source on the command line. */
  public static final String NAME = "shapes-clips";
  /** The name of the video-label view: clips labelled by their motion. */
  public static final String MOTIONS = "shapes-clip-motions";
  /** Where the motion-labelled view starts drawing clip indices. */
  public static final long MOTIONS_OFFSET = 1L << 40;
  /** Clip indices tried per sample when only some motions are kept (all six of seven kept still leaves 1/7^64 to fail). */
  static final int STRIDE = 64;

  private final ShapesWorld world;
  private final Split split;
  private final long epochSize;
  private final long offset;
  private final boolean motionLabels;
  private final List<Motion> motions;

  public ShapesClipSource(ShapesWorld world, Split split, long epochSize, long offset) {
    this(world, split, epochSize, offset, false);
  }

  /** @param motionLabels the video-label view: each clip labelled and captioned by its motion alone */
  public ShapesClipSource(ShapesWorld world, Split split, long epochSize, long offset, boolean motionLabels) {
    this(world, split, epochSize, offset, motionLabels, List.of(Motion.values()));
  }

  /** @param motions the motions kept, in label order (every motion: the plain source) */
  public ShapesClipSource(ShapesWorld world, Split split, long epochSize, long offset, boolean motionLabels, List<Motion> motions) {
    if (epochSize < 1) throw new IllegalArgumentException("an epoch needs at least one clip, got " + epochSize);
    if (offset < 0) throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    if (motions.isEmpty()) throw new IllegalArgumentException("a clip source needs at least one motion");
    if (motions.stream().distinct().count() != motions.size()) throw new IllegalArgumentException("a motion is named twice: " + motions);
    this.world = world;
    this.split = split;
    this.epochSize = epochSize;
    this.offset = offset;
    this.motionLabels = motionLabels;
    this.motions = List.copyOf(motions);
  }

  /** {@code name} ({@link #NAME} or {@link #MOTIONS}) with {@code rest} = SPLIT[:MOTION,...] or null. */
  public static ShapesClipSource open(String name, String rest, ShapesWorld world, long epochSize, long offset) {
    String split = rest == null ? "train" : rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest;
    List<Motion> kept = List.of(Motion.values());
    if (rest != null && rest.contains(":")) {
      kept = java.util.Arrays.stream(rest.substring(rest.indexOf(':') + 1).split(",")).map(String::strip).map(Motion::parse).toList();
    }
    return new ShapesClipSource(world, Split.parse(split), epochSize, offset, name.equals(MOTIONS), kept);
  }

  private boolean everyMotion() {
    return motions.size() == Motion.values().length && motions.equals(List.of(Motion.values()));
  }

  @Override
  public Sample get(long index) {
    long i = (motionLabels ? MOTIONS_OFFSET : 0) + offset + index;
    ShapesClip clip = everyMotion() ? world.clip(split, i) : firstKept(i);
    i = clip.index();
    String where = NAME + ":" + split.word() + ":" + i;
    if (motionLabels) {
      return Sample.of(MOTIONS + "/" + split.word() + "/" + i, VideoSource.of(video(clip, where)),
          List.of(motionClass(clip.motion())), motions.indexOf(clip.motion()), where);
    }
    return Sample.of(NAME + "/" + split.word() + "/" + i, VideoSource.of(video(clip, where)), clip.captions(), Sample.NO_LABEL,
        where);
  }

  /** The first clip of a kept motion among indices [STRIDE·i, STRIDE·(i + 1)). */
  private ShapesClip firstKept(long i) {
    for (long k = 0; k < STRIDE; k++) {
      ShapesClip c = world.clip(split, i * STRIDE + k);
      if (motions.contains(c.motion())) return c;
    }
    throw new IllegalStateException("no clip of " + motions + " among " + STRIDE + " tries at index " + i);
  }

  /** A motion as a class name and its caption: "something moves to the left", "something changes colour". */
  public static String motionClass(Motion motion) {
    return "something " + (motion == Motion.CHANGE_COLOR ? "changes colour" : motion.verb());
  }

  /** A clip's frames as a {@link Video} of RGB rasters, with its sound track. */
  public static Video video(ShapesClip clip, String source) {
    List<Raster8> frames = new ArrayList<>(clip.frameCount());
    for (int[] f : clip.frames()) frames.add(new Raster8(clip.imageSize(), clip.imageSize(), 3, ShapesSample.rgbBytes(f)));
    return new Video(source, frames, new Video.Sound(clip.audio(), ShapesClip.SAMPLE_RATE));
  }

  @Override
  public long epochSize() {
    return epochSize;
  }

  @Override
  public List<String> classNames() {
    if (!motionLabels) return List.of();
    return motions.stream().map(ShapesClipSource::motionClass).toList();
  }

  /** A motion as the captions name it, for every colour×shape ("a red circle moves up", ...); a colour change by its class name. */
  @Override
  public List<String> classPrompts(int label) {
    if (!motionLabels) throw new IllegalArgumentException(describe() + " has no classes");
    Motion m = motions.get(label);
    return m == Motion.CHANGE_COLOR ? List.of(motionClass(m)) : ShapesWorld.motionPrompts(m);
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
    return (motionLabels ? MOTIONS : NAME) + "/" + split.word() + (everyMotion() ? "" : " " + motions.stream().map(Motion::id).toList())
        + " (" + c.videoFrames() + " frames of " + c.imageSize() + " px, up to "
        + Math.min(3, c.maxObjects()) + " objects, " + epochSize + " clips per epoch)";
  }
}
