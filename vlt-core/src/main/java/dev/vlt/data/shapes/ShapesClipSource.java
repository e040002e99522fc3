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
 */
public final class ShapesClipSource implements GeneratedSource {
  /** The name that selects this source on the command line. */
  public static final String NAME = "shapes-clips";

  private final ShapesWorld world;
  private final Split split;
  private final long epochSize;
  private final long offset;

  public ShapesClipSource(ShapesWorld world, Split split, long epochSize, long offset) {
    if (epochSize < 1) throw new IllegalArgumentException("an epoch needs at least one clip, got " + epochSize);
    if (offset < 0) throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    this.world = world;
    this.split = split;
    this.epochSize = epochSize;
    this.offset = offset;
  }

  @Override
  public Sample get(long index) {
    long i = offset + index;
    ShapesClip clip = world.clip(split, i);
    String where = NAME + ":" + split.word() + ":" + i;
    return Sample.of(NAME + "/" + split.word() + "/" + i, VideoSource.of(video(clip, where)), clip.captions(), Sample.NO_LABEL,
        where);
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
    return List.of();
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
    return NAME + "/" + split.word() + " (" + c.videoFrames() + " frames of " + c.imageSize() + " px, up to "
        + Math.min(3, c.maxObjects()) + " objects, " + epochSize + " clips per epoch)";
  }
}
