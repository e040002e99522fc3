package dev.vlt.data.shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * Caption phrasings of a scene. Every phrasing names every object once by colour and shape, so any of them is a correct
 * text for contrastive training; they differ in what else they say (size, count, layout).
 */
final class Captions {
  private Captions() {}

  /**
   * Five captions, in a fixed order: [0] with sizes ("a small red circle and a large blue square"), [1] relational
   * ("a small red circle above a large blue square"), [2] counting ("two shapes: a red circle and a blue square"),
   * [3] regions ("a red circle in the top left and a blue square at the bottom"), [4] plain ("a picture of a red circle
   * and a blue square").
   */
  static List<String> of(Scene scene, int imageSize) {
    List<String> sized = new ArrayList<>(), plain = new ArrayList<>(), placed = new ArrayList<>();
    for (ShapeObject o : scene.objects()) {
      sized.add(Words.a(o.describe()));
      plain.add(Words.a(Words.colorShape(o)));
      placed.add(Words.a(Words.colorShape(o)) + " " + Words.region(o, imageSize));
    }
    int n = scene.size();
    String relational = n == 1
        ? sized.get(0) + " " + Words.region(scene.get(0), imageSize)
        : sized.get(0) + " " + Words.relation(scene.get(0), scene.get(1)) + " " + sized.get(1)
            + (n > 2 ? ", with " + Words.list(sized.subList(2, n)) : "");
    return List.of(
        Words.list(sized),
        relational,
        Words.count(n) + (n == 1 ? " shape: " : " shapes: ") + Words.list(plain),
        Words.list(placed),
        "a picture of " + Words.list(plain));
  }
}
