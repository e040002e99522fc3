package dev.vlt.data.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Captions, referring expressions and answers agree with the scene, checked by an independent reader (SceneOracle). */
class ShapesLanguageTest {
  private static final int N = 600;
  private static final Pattern RELATION =
      Pattern.compile("an? (\\w+ \\w+ \\w+) (to the left of|to the right of|above|below) an? (\\w+ \\w+ \\w+)(, with .*)?");
  private final ShapesWorld world = new ShapesWorld();

  @Test
  void everyCaptionMentionsExactlyTheObjectsPresent() {
    for (int i = 0; i < N; i++) {
      ShapesSample s = world.sample(Split.TRAIN, i);
      List<String> sized = new ArrayList<>(), plain = new ArrayList<>();
      for (ShapeObject o : s.scene().objects()) {
        sized.add(o.describe());
        plain.add(o.color().word() + " " + o.shape().word());
      }
      Collections.sort(sized);
      Collections.sort(plain);
      assertEquals(5, s.captions().size());
      for (int c = 0; c < s.captions().size(); c++) {
        List<String> found = SceneOracle.mentions(s.captions().get(c));
        Collections.sort(found);
        // captions 0 and 1 give every object's size; the others name colour and shape only
        assertEquals(c < 2 ? sized : plain, found, "sample " + i + " caption " + c + ": " + s.captions().get(c));
      }
      String count = List.of("one", "two", "three", "four").get(s.scene().size() - 1);
      assertTrue(s.captions().get(2).startsWith(count + " shape"), s.captions().get(2));
    }
  }

  @Test
  void relationalCaptionStatesTheTrueRelationOfTheFirstTwoObjects() {
    int checked = 0;
    for (int i = 0; i < N; i++) {
      ShapesSample s = world.sample(Split.TRAIN, i);
      if (s.scene().size() < 2) continue;
      ShapeObject a = s.scene().get(0), b = s.scene().get(1);
      Matcher m = RELATION.matcher(s.captions().get(1));
      assertTrue(m.matches(), "no relation in: " + s.captions().get(1));
      assertEquals(a.describe(), m.group(1));
      assertEquals(b.describe(), m.group(3));
      double dx = b.cx() - a.cx(), dy = b.cy() - a.cy();
      boolean horizontal = Math.abs(dx) >= Math.abs(dy);
      String expected = horizontal ? (dx > 0 ? "to the left of" : "to the right of") : (dy > 0 ? "above" : "below");
      assertEquals(expected, m.group(2), s.captions().get(1));
      checked++;
    }
    assertTrue(checked > N / 2, "too few multi-object scenes: " + checked);
  }

  @Test
  void referringExpressionsResolveToExactlyTheirTarget() {
    double margin = Referring.margin(64);
    Set<String> kinds = new HashSet<>();
    int expressions = 0, objects = 0;
    for (int i = 0; i < N; i++) {
      ShapesSample s = world.sample(Split.TRAIN, i);
      objects += s.scene().size();
      Set<Integer> targets = new HashSet<>();
      for (ReferringExpression r : s.referring()) {
        assertEquals(List.of(r.target()), SceneOracle.resolve(r.text(), s.scene(), margin), "sample " + i + ": " + r);
        assertTrue(targets.add(r.target()), "two expressions for one object in sample " + i);
        kinds.add(r.text().contains("on the ") || r.text().contains("most ") || r.text().contains(" at the ") ? "spatial"
            : r.text().contains("er ") ? "comparative" : "attributes");
        expressions++;
      }
    }
    assertTrue(expressions > 0.95 * objects, expressions + " expressions for " + objects + " objects");
    assertEquals(Set.of("spatial", "comparative", "attributes"), kinds);
  }

  @Test
  void spatialFormsAppearWhenLookAlikesAreApart() {
    ShapeObject left = ShapeObject.place(Shape.CIRCLE, Color.RED, Size.SMALL, 12, 30, 6, 64);
    ShapeObject right = ShapeObject.place(Shape.CIRCLE, Color.RED, Size.SMALL, 50, 32, 6, 64);
    Scene scene = new Scene(List.of(left, right), new Background(0x202020, Background.Texture.PLAIN, 0));
    List<String> forms = Referring.forms(scene, 0, 4);
    assertTrue(forms.contains("the red circle on the left"), forms.toString());
    assertFalse(forms.contains("the red circle at the top"), "2 px apart vertically is not clear: " + forms);
    assertFalse(forms.contains("the red circle"), "ambiguous form offered: " + forms);
  }

  @Test
  void answersAreCorrectAndInTheVocabulary() {
    Set<String> vocab = new HashSet<>(ShapesWorld.answers());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < N; i++) {
      ShapesSample s = world.sample(Split.VAL, i);
      assertFalse(s.questions().isEmpty());
      for (QuestionAnswer qa : s.questions()) {
        assertEquals(SceneOracle.answer(qa.question(), s.scene()), qa.answer(), "sample " + i + ": " + qa.question());
        assertTrue(vocab.contains(qa.answer()), qa.answer());
        seen.add(qa.answer());
      }
    }
    // both polarities and several counts occur, so no answer is a constant
    assertTrue(seen.containsAll(List.of("yes", "no", "zero", "one", "two", "three", "four", "small", "large")), seen.toString());
  }

  @Test
  void articlesFollowTheNextWord() {
    assertEquals("an orange star", Words.a("orange star"));
    assertEquals("a red circle", Words.a("red circle"));
    assertEquals("a, b and c", Words.list(List.of("a", "b", "c")));
  }
}
