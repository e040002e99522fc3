package dev.vlt.data.shapes;

import dev.vlt.data.GeneratedSource;
import dev.vlt.data.ImageSource;
import dev.vlt.data.Sample;
import dev.vlt.data.image.Raster8;
import java.util.List;

/**
 * ShapesWorld as a data source every loader and task reads: sample i of a split, rendered at the world's image size, with
 * every phrasing of its caption (the loader picks one per sample from its seed) and, for one-object scenes, its
 * colour×shape class. Endless: an epoch is {@code epochSize} fresh scenes.
 */
public final class ShapesSource implements GeneratedSource {
  private final ShapesWorld world;
  private final Split split;
  private final long epochSize;
  private final long offset;

  /** @param offset where in the split's endless sequence sample 0 is (runs of different seeds read different scenes) */
  public ShapesSource(ShapesWorld world, Split split, long epochSize, long offset) {
    if (epochSize < 1) throw new IllegalArgumentException("an epoch needs at least one sample, got " + epochSize);
    if (offset < 0) throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    this.world = world;
    this.split = split;
    this.epochSize = epochSize;
    this.offset = offset;
  }

  @Override
  public Sample get(long index) {
    ShapesSample s = world.sample(split, offset + index);
    Raster8 image = new Raster8(s.imageSize(), s.imageSize(), 3, s.rgbBytes());
    int label = s.scene().size() == 1 ? s.label() : Sample.NO_LABEL;
    return Sample.of(ShapesWorld.NAME + "/" + split.word() + "/" + (offset + index), ImageSource.of(image), s.captions(), label,
        ShapesWorld.NAME + ":" + split.word() + ":" + (offset + index));
  }

  @Override
  public long epochSize() {
    return epochSize;
  }

  /** The colour×shape class names the labels index (labels only on one-object scenes). */
  @Override
  public List<String> classNames() {
    return ShapesWorld.classNames();
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
    return "shapes/" + split.word() + " (" + c.minObjects() + "-" + c.maxObjects() + " objects, " + c.imageSize() + " px, "
        + epochSize + " samples per epoch)";
  }
}
