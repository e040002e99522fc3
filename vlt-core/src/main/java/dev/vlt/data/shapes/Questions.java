package dev.vlt.data.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Question–answer pairs about a scene. A question names an object only when the name is unique in the scene, so every
 * answer is determined; yes/no questions are asked about a present and an absent combo so that "yes" is not the prior.
 */
final class Questions {
  private Questions() {}

  /**
   * The pairs, in this order: the object count; "what color is the S?" for each shape present once; "what shape is the C
   * one?" for each colour present once; "what size is the C S?" for one object; "is there a C S?" for a present and an
   * absent combo of the split; "how many Ss are there?" for one shape (maybe zero); and for two or more objects a
   * left/right question about two distinguishable objects that are clearly apart.
   */
  static List<QuestionAnswer> of(Scene scene, List<Combo> splitCombos, double margin, SplittableRandom r) {
    List<QuestionAnswer> qa = new ArrayList<>();
    List<ShapeObject> objects = scene.objects();
    qa.add(new QuestionAnswer("how many shapes are there?", Words.count(objects.size()), QuestionAnswer.COUNT));
    for (Shape s : Shape.values()) {
      List<ShapeObject> same = objects.stream().filter(o -> o.shape() == s).toList();
      if (same.size() == 1) qa.add(new QuestionAnswer("what color is the " + s.word() + "?", same.get(0).color().word(), QuestionAnswer.COLOR));
    }
    for (Color c : Color.values()) {
      List<ShapeObject> same = objects.stream().filter(o -> o.color() == c).toList();
      if (same.size() == 1) qa.add(new QuestionAnswer("what shape is the " + c.word() + " one?", same.get(0).shape().word(), QuestionAnswer.SHAPE));
    }
    List<ShapeObject> unique = objects.stream().filter(o -> count(objects, o.combo()) == 1).toList();
    if (!unique.isEmpty()) {
      ShapeObject o = unique.get(r.nextInt(unique.size()));
      qa.add(new QuestionAnswer("what size is the " + Words.colorShape(o) + "?", o.size().word(), QuestionAnswer.SIZE));
    }
    ShapeObject present = objects.get(r.nextInt(objects.size()));
    qa.add(new QuestionAnswer("is there " + Words.a(Words.colorShape(present)) + "?", "yes", QuestionAnswer.EXISTS));
    List<Combo> absent = splitCombos.stream().filter(c -> count(objects, c) == 0).toList();
    if (!absent.isEmpty()) {
      qa.add(new QuestionAnswer("is there " + Words.a(absent.get(r.nextInt(absent.size())).name()) + "?", "no", QuestionAnswer.EXISTS));
    }
    Shape asked = r.nextBoolean() ? present.shape() : Shape.values()[r.nextInt(Shape.values().length)];
    long n = objects.stream().filter(o -> o.shape() == asked).count();
    qa.add(new QuestionAnswer("how many " + asked.plural() + " are there?", Words.count((int) n), QuestionAnswer.COUNT));
    leftOf(unique, margin, r, qa);
    return qa;
  }

  /** "is the red circle to the left of the blue square?" for a random ordered pair that is apart horizontally. */
  private static void leftOf(List<ShapeObject> unique, double margin, SplittableRandom r, List<QuestionAnswer> qa) {
    List<ShapeObject[]> pairs = new ArrayList<>();
    for (ShapeObject a : unique) {
      for (ShapeObject b : unique) if (a != b && Math.abs(a.cx() - b.cx()) >= margin) pairs.add(new ShapeObject[] {a, b});
    }
    if (pairs.isEmpty()) return;
    ShapeObject[] p = pairs.get(r.nextInt(pairs.size()));
    String q = "is the " + Words.colorShape(p[0]) + " to the left of the " + Words.colorShape(p[1]) + "?";
    qa.add(new QuestionAnswer(q, p[0].cx() < p[1].cx() ? "yes" : "no", QuestionAnswer.SPATIAL));
  }

  private static long count(List<ShapeObject> objects, Combo c) {
    return objects.stream().filter(o -> o.combo().equals(c)).count();
  }
}
