package dev.vlt.eval;

import dev.vlt.data.image.Raster8;
import dev.vlt.infer.Grounder;
import dev.vlt.tensor.Boxes;
import java.util.ArrayList;
import java.util.List;

/**
 * Grounding evaluation over (image, expression, referred box) cases: the model's boxes through {@link Grounder} (so in
 * original pixels, as {@code vlt ground} answers), scored by {@link GroundingMetrics}; and the centre-box baseline, a box
 * of the mean training box size (as fractions of the image) centred in every image.
 */
public final class GroundingEval {
  /** One expression: the image, the text, and the referred box (x0, y0, x1, y1) in the image's pixels. */
  public record Case(Raster8 image, String text, float[] box) {}

  /** The model's boxes and their scores. */
  public record Outcome(List<float[]> predicted, GroundingMetrics metrics) {}

  private GroundingEval() {}

  public static Outcome run(Grounder grounder, List<Case> cases) {
    List<float[]> predicted = new ArrayList<>();
    for (Grounder.Answer a : grounder.ground(cases.stream().map(Case::image).toList(), cases.stream().map(Case::text).toList())) {
      predicted.add(a.box());
    }
    return new Outcome(predicted, GroundingMetrics.of(predicted, cases.stream().map(Case::box).toList()));
  }

  /** The mean referred box width and height as fractions of their images: {w, h}. */
  public static double[] meanSize(List<Case> training) {
    double w = 0;
    double h = 0;
    for (Case c : training) {
      w += (c.box()[2] - c.box()[0]) / c.image().width();
      h += (c.box()[3] - c.box()[1]) / c.image().height();
    }
    return new double[] {w / training.size(), h / training.size()};
  }

  /** Every case answered with the box of {@code size} (fractions {w, h}) centred in its image. */
  public static GroundingMetrics centreBaseline(List<Case> cases, double[] size) {
    List<float[]> boxes = new ArrayList<>();
    for (Case c : cases) {
      int w = c.image().width();
      int h = c.image().height();
      boxes.add(Boxes.toXyxy(new float[] {w / 2f, h / 2f, (float) (size[0] * w), (float) (size[1] * h)}));
    }
    return GroundingMetrics.of(boxes, cases.stream().map(Case::box).toList());
  }
}
