package dev.vlt.data.shapes;

import dev.vlt.data.GeneratedSource;
import dev.vlt.data.ImageSource;
import dev.vlt.data.Phrase;
import dev.vlt.data.Question;
import dev.vlt.data.Sample;
import dev.vlt.data.image.Raster8;
import java.util.ArrayList;
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
    List<dev.vlt.data.Box> boxes = new ArrayList<>();
    List<Raster8> masks = new ArrayList<>();
    for (int i = 0; i < s.scene().size(); i++) {
      ShapeObject o = s.scene().get(i);
      boxes.add(new dev.vlt.data.Box(o.box().x0(), o.box().y0(), o.box().x1(), o.box().y1(), o.combo().name()));
      masks.add(mask(s.mask(i), s.imageSize()));
    }
    List<Phrase> phrases = s.referring().stream().map(r -> new Phrase(r.text(), r.target())).toList();
    List<Question> questions = s.questions().stream().map(q -> new Question(q.question(), q.answer(), q.type())).toList();
    return new Sample(ShapesWorld.NAME + "/" + split.word() + "/" + (offset + index), ImageSource.of(image), s.captions(), label,
        boxes, masks, ShapesWorld.NAME + ":" + split.word() + ":" + (offset + index), phrases, questions);
  }

  /** An object's mask as an L raster: 255 where the object covers the pixel, 0 elsewhere. */
  private static Raster8 mask(boolean[] covered, int size) {
    byte[] px = new byte[covered.length];
    for (int i = 0; i < px.length; i++) if (covered[i]) px[i] = (byte) 255;
    return new Raster8(size, size, 1, px);
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
