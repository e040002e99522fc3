package dev.vlt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The noun-phrase rule on every caption form the built-in data writes. */
class NounPhrasesTest {
  @Test
  void shapesWorldCaptionForms() {
    assertEquals(List.of("the small red circle", "the large blue square"), NounPhrases.of("a small red circle and a large blue square"));
    assertEquals(List.of("the small red circle", "the large blue square", "the green triangle", "the orange star"),
        NounPhrases.of("a small red circle above a large blue square, with a green triangle and an orange star"));
    assertEquals(List.of("the small red circle", "the large blue square"),
        NounPhrases.of("a small red circle to the left of a large blue square"));
    assertEquals(List.of("the red circle", "the blue square"), NounPhrases.of("two shapes: a red circle and a blue square"));
    assertEquals(List.of("the red circle", "the blue square", "the green star"),
        NounPhrases.of("a red circle in the top left, a blue square at the bottom and a green star in the center"));
    assertEquals(List.of("the red circle"), NounPhrases.of("a picture of a red circle"));
    assertEquals(List.of("the small red circle"), NounPhrases.of("a small red circle on the right"));
  }

  @Test
  void emojiNamesKeepTheirOwnWords() {
    assertEquals(List.of("the face with tears of joy", "the cat", "the man: red hair"),
        NounPhrases.of("a face with tears of joy, a cat and a man: red hair"));
    assertEquals(List.of("the face blowing a kiss"), NounPhrases.of("a face blowing a kiss"));
  }

  @Test
  void everyBuiltInShapesCaptionNamesEachObjectAsItsAttributeExpression() throws Exception {
    GeneratedSource shapes = (GeneratedSource) DataSources.open("shapes:val", DataOptions.defaults(64).withShapes(3, 50, 0),
        SkipReport.quiet());
    for (int i = 0; i < 50; i++) {
      Sample s = shapes.get(i);
      List<String> plain = NounPhrases.of(s.captions().get(4));              // "a picture of a red circle and a blue square"
      long distinct = plain.stream().distinct().count();
      assertTrue(plain.size() == distinct && distinct >= 1 && distinct <= s.boxes().size(), s.captions().get(4) + " -> " + plain);
      for (String p : plain) assertTrue(p.matches("the \\w+ \\w+"), p);
      for (String caption : s.captions()) {
        int n = NounPhrases.of(caption).size();
        assertTrue(n >= plain.size() && n <= s.boxes().size(), caption + " -> " + NounPhrases.of(caption));
      }
      // the attribute-only referring expressions the evaluation asks ("the red circle") are phrases training reads
      for (Phrase p : s.phrases()) {
        if (p.text().split(" ").length == 3 && !p.text().contains("shape") && !p.text().matches(".*(small|large|larger|smaller).*")) {
          assertTrue(plain.contains(p.text()), p.text() + " among " + plain);
        }
      }
    }
  }
}
