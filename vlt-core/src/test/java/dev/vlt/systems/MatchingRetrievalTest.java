package dev.vlt.systems;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Retrieval through a matching head: ranks both ways, identical captions counted alike, and the chance of a random pick. */
class MatchingRetrievalTest {
  @Test
  void ranksEachQueryByItsRowOrColumn() {
    // 3 scenes; scenes 0 and 2 share their caption. score[t][i] = P(match | caption t, image i)
    List<String> captions = List.of("a red circle", "a blue square", "a red circle");
    double[][] score = {
        {0.1, 0.8, 0.2},   // caption 0: image 1 wins, whose caption differs: a miss
        {0.2, 0.3, 0.1},   // caption 1: image 1, its own: a hit
        {0.9, 0.1, 0.4}};  // caption 2: image 0, whose caption is the same words: a hit
    MatchingRetrieval.Retrieved r = MatchingRetrieval.hits(score, captions);
    assertEquals(2 / 3.0, r.t2i1(), 1e-12);
    // image 0 → column 0: caption 2 (0.9), the same words: a hit; image 1 → caption 0 (0.8): a miss; image 2 → caption 2
    assertEquals(2 / 3.0, r.i2t1(), 1e-12);
    assertEquals((2 / 3.0 + 1 / 3.0 + 2 / 3.0) / 3, r.chance1(), 1e-12);
    // five candidates of three: every query finds its caption, and so does chance
    assertEquals(1.0, r.t2i5(), 1e-12);
    assertEquals(1.0, r.chance5(), 1e-12);
  }
}
