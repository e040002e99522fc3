package dev.vlt.data.scenes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.Box;
import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSources;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.Raster8;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmojiScenesTest {
  private static EmojiScenes open(String split, int objects) throws Exception {
    return (EmojiScenes) DataSources.open(EmojiScenes.NAME + ":" + split, DataOptions.defaults(64).withShapes(objects, 100, 0),
        new SkipReport());
  }

  @Test
  void everyEmojiHasATightBoxAMaskInsideItAndAPhraseWithItsName() throws Exception {
    EmojiScenes scenes = open("train", 3);
    int objects = 0;
    for (long i = 0; i < 40; i++) {
      Sample s = scenes.get(i);
      assertEquals(s.boxes().size(), s.masks().size());
      assertEquals(s.boxes().size(), s.phrases().size());
      assertFalse(s.boxes().isEmpty(), "scene " + i + " has no emoji");
      Set<String> names = new HashSet<>();
      float lastCentre = -1;
      for (int b = 0; b < s.boxes().size(); b++) {
        Box box = s.boxes().get(b);
        Raster8 m = s.masks().get(b);
        assertEquals(64, m.width());
        int minX = 64, minY = 64, maxX = -1, maxY = -1;
        for (int y = 0; y < 64; y++) {
          for (int x = 0; x < 64; x++) {
            if (m.pixels()[y * 64 + x] != 0) {
              minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
            }
          }
        }
        assertArrayEquals(new float[] {minX, minY, maxX + 1, maxY + 1}, new float[] {box.x0(), box.y0(), box.x1(), box.y1()},
            "box " + b + " of scene " + i + " is the mask's tight bounds");
        assertTrue(box.width() >= 6 && box.width() <= 33, "emoji side " + box.width());
        assertEquals("the " + box.label(), s.phrases().get(b).text());
        assertEquals(b, s.phrases().get(b).box());
        assertTrue(s.captions().get(0).contains(box.label()), s.captions().get(0));
        assertTrue(names.add(box.label()), "one emoji twice in scene " + i);
        float centre = (box.x0() + box.x1()) / 2;
        assertTrue(centre >= lastCentre - 3, "left to right");  // placed rects are sorted; tight boxes may shift a little
        lastCentre = centre;
        objects++;
      }
    }
    assertTrue(objects > 60, "about two emoji per scene, got " + objects + " in 40");
  }

  @Test
  void aSceneIsAFunctionOfSplitAndIndex() throws Exception {
    EmojiScenes a = open("test", 2);
    EmojiScenes b = open("test", 2);
    assertArrayEquals(a.get(7).image().load().pixels(), b.get(7).image().load().pixels());
    assertEquals(a.get(7).captions(), b.get(7).captions());
    EmojiScenes train = open("train", 2);
    assertFalse(java.util.Arrays.equals(train.get(7).image().load().pixels(), a.get(7).image().load().pixels()),
        "test scenes are new layouts, not the training ones");
  }

  @Test
  void unseenScenesUseOnlyNamesNoTrainingSceneShows() throws Exception {
    Set<String> train = new HashSet<>(open("train", 2).classNames());
    List<String> unseen = open("unseen", 2).classNames();
    assertTrue(train.size() > 1000 && unseen.size() > 300, train.size() + " / " + unseen.size());
    for (String n : unseen) assertFalse(train.contains(n), n);
    assertEquals(train, new HashSet<>(open("test", 2).classNames()), "test scenes are new layouts of the training names");
    for (long i = 0; i < 20; i++) for (Box b : open("unseen", 3).get(i).boxes()) assertFalse(train.contains(b.label()), b.label());
  }

  @Test
  void aWrongSplitIsOneClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open("validation", 2));
    assertTrue(e.getMessage().contains("train, val, test, unseen"), e.getMessage());
  }
}
