package dev.vlt.systems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.Split;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The video quickstarts' shared evaluation: held-out clips of the six motions with shuffled copies that hold the same
 * frames in another order, top-1 and text→video recall where any clip with the query's caption is a hit, and that
 * recall's chance.
 */
class MotionClipsTest {
  @Test
  void heldOutClipsComeWithTheirFramesShuffled() {
    MotionClips.Set set = MotionClips.of(Split.TEST, 12, 32, 3);
    assertEquals(12, set.clips().size());
    for (int i = 0; i < 12; i++) {
      assertEquals(MotionClips.MOTIONS.get(set.labels()[i]), set.clips().get(i).motion());
      List<Raster8> a = set.ordered().get(i).frames(), b = set.shuffled().get(i).frames();
      assertNotEquals(a, b, "a shuffle is never the true order");
      assertEquals(new HashSet<>(a), new HashSet<>(b), "the same frames");
    }
    // the same seed, the same shuffles
    List<Raster8> again = MotionClips.of(Split.TEST, 12, 32, 3).shuffled().get(5).frames();
    for (int f = 0; f < again.size(); f++) assertArrayEquals(set.shuffled().get(5).frames().get(f).pixels(), again.get(f).pixels());
  }

  @Test
  void shuffleNeverKeepsTheOrderOfTwoFrames() {
    List<Raster8> two = new ArrayList<>();
    for (int i = 0; i < 2; i++) two.add(new Raster8(1, 1, 1, new byte[] {(byte) i}));
    SplittableRandom rng = new SplittableRandom(0);
    for (int k = 0; k < 20; k++) assertEquals(List.of(two.get(1), two.get(0)), MotionClips.shuffle(two, rng));
  }

  @Test
  void aCaptionNamesAMotionOnlyWhenItNamesExactlyOne() {
    assertEquals(MotionClips.MOTIONS.indexOf(dev.vlt.data.shapes.Motion.MOVE_RIGHT), MotionClips.namedMotion("a red star moves to the right"));
    assertEquals(MotionClips.MOTIONS.indexOf(dev.vlt.data.shapes.Motion.SHRINK), MotionClips.namedMotion("something shrinks"));
    assertEquals(-1, MotionClips.namedMotion("a red star"), "no motion");
    assertEquals(-1, MotionClips.namedMotion("a red star grows and shrinks"), "two motions");
    assertEquals(-1, MotionClips.namedMotion("a red star turns blue"), "a colour change is not one of the six");
  }

  @Test
  void accuracyAndRecallCountWhatTheySay() {
    float[][] classifier = {{1, 0}, {0, 1}};
    float[][] x = {{0.9f, 0.1f}, {0.2f, 0.8f}, {0.7f, 0.3f}};
    int[][] confusion = new int[2][2];
    assertEquals(2.0 / 3, MotionClips.accuracy(x, classifier, new int[] {0, 1, 1}, confusion), 1e-12);
    assertArrayEquals(new int[] {1, 1}, confusion[1]);
    // three clips, two share a caption: queries 0 and 1 both find clip 1 first, a hit for both (the same caption)
    float[][] texts = {{1, 0}, {1, 0}, {0, 1}};
    float[][] videos = {{0.8f, 0.2f}, {0.9f, 0.1f}, {0.1f, 0.9f}, {1, 0}};
    List<String> captions = List.of("a red circle grows", "a red circle grows", "a blue star shrinks");
    assertArrayEquals(new double[] {1, 1}, MotionClips.recall(texts, videos, captions), 1e-12, "the fourth video is not a candidate");
    float[][] wrong = {{0.1f, 0.9f}, {0.2f, 0.8f}, {1, 0}};
    double[] r = MotionClips.recall(texts, wrong, captions);
    assertEquals(0, r[0], 1e-12);
    assertEquals((2.0 / 3 + 2.0 / 3 + 1.0 / 3) / 3, MotionClips.sameCaptionChance(captions), 1e-12);
    assertTrue(r[1] > 0, "every clip is within the top 5 of 3");
  }
}
