package dev.vlt.data.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Determinism, splits that hold out combos, labels and the config. */
class ShapesWorldTest {
  private final ShapesWorld world = new ShapesWorld();

  @Test
  void sameSeedSplitAndIndexGiveTheSameSample() {
    ShapesWorld other = new ShapesWorld(ShapesWorldConfig.defaults());
    for (int i : new int[] {0, 1, 17, 123_456}) {
      ShapesSample a = world.sample(Split.TRAIN, i), b = other.sample(Split.TRAIN, i);
      assertArrayEquals(a.pixels(), b.pixels());
      assertTrue(Arrays.deepEquals(a.masks(), b.masks()));
      assertEquals(a.captions(), b.captions());
      assertEquals(a.referring(), b.referring());
      assertEquals(a.questions(), b.questions());
      assertEquals(a.scene(), b.scene());
    }
  }

  @Test
  void indexSplitAndSeedEachChangeTheImage() {
    int[] base = world.sample(Split.TRAIN, 5).pixels();
    assertFalse(Arrays.equals(base, world.sample(Split.TRAIN, 6).pixels()));
    assertFalse(Arrays.equals(base, world.sample(Split.VAL, 5).pixels()));
    assertFalse(Arrays.equals(base, new ShapesWorld(ShapesWorldConfig.defaults().withSeed(1)).sample(Split.TRAIN, 5).pixels()));
    Set<Integer> distinct = new HashSet<>();
    for (int i = 0; i < 200; i++) distinct.add(Arrays.hashCode(world.sample(Split.TRAIN, i).pixels()));
    assertEquals(200, distinct.size());
  }

  @Test
  void randomAccessStreamingAndThreadsAgree() {
    List<ShapesSample> streamed = world.samples(Split.TRAIN, 40, 60).toList();
    int[][] parallel = IntStream.range(40, 100).parallel().mapToObj(i -> world.sample(Split.TRAIN, i).pixels()).toArray(int[][]::new);
    for (int k = 59; k >= 0; k--) {
      int[] random = world.sample(Split.TRAIN, 40 + k).pixels();
      assertArrayEquals(random, streamed.get(k).pixels(), "index " + (40 + k));
      assertArrayEquals(random, parallel[k], "index " + (40 + k) + " from another thread");
    }
  }

  @Test
  void heldOutCombosNeverAppearInTrainOrValAndMakeUpTest() {
    Set<String> heldNames = new HashSet<>();
    for (Combo c : ShapesWorldConfig.DEFAULT_HELD_OUT) heldNames.add(c.name());
    Set<Combo> trainSeen = new HashSet<>();
    for (Split split : List.of(Split.TRAIN, Split.VAL)) {
      for (int i = 0; i < (split == Split.TRAIN ? 5_000 : 1_000); i++) {
        ShapesSample s = world.sample(split, i);
        for (ShapeObject o : s.scene().objects()) {
          assertFalse(ShapesWorldConfig.DEFAULT_HELD_OUT.contains(o.combo()), split + " " + i + " shows " + o.combo().name());
          trainSeen.add(o.combo());
        }
        // not even the text may name a held-out combo (e.g. "is there a red triangle?" -> "no")
        for (String text : texts(s)) for (String h : heldNames) if (text.contains(h)) fail(split + " " + i + ": " + text);
      }
    }
    assertEquals(42 - 8, trainSeen.size(), "train shows every non-held-out combo");
    Set<Combo> testSeen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) for (ShapeObject o : world.sample(Split.TEST, i).scene().objects()) testSeen.add(o.combo());
    assertEquals(new HashSet<>(ShapesWorldConfig.DEFAULT_HELD_OUT), testSeen);
  }

  @Test
  void defaultHeldOutIsAFifthAndLeavesEveryAttributeInTrain() {
    List<Combo> train = world.combos(Split.TRAIN);
    assertEquals(8, ShapesWorldConfig.DEFAULT_HELD_OUT.size());
    assertEquals(42, train.size() + world.combos(Split.TEST).size());
    for (Color c : Color.values()) assertTrue(train.stream().filter(x -> x.color() == c).count() >= 4, c.word());
    for (Shape s : Shape.values()) assertTrue(train.stream().filter(x -> x.shape() == s).count() >= 5, s.word());
  }

  @Test
  void labelsAndClassNamesLineUp() {
    List<String> names = ShapesWorld.classNames();
    assertEquals(Color.values().length * Shape.values().length, names.size());
    assertTrue(Color.values().length >= 6 && Shape.values().length >= 5);
    ShapesWorld single = new ShapesWorld(ShapesWorldConfig.defaults().withObjects(1, 1));
    for (int i = 0; i < 100; i++) {
      ShapesSample s = single.sample(Split.TEST, i);
      assertEquals(1, s.scene().size());
      assertEquals(s.scene().get(0).color().word() + " " + s.scene().get(0).shape().word(), names.get(s.label()));
      assertEquals(names.get(s.label()), s.className());
      assertTrue(single.classNames(Split.TEST).contains(s.className()));
    }
    assertEquals("a picture of an orange circle", ShapesWorld.classPrompts().get(new Combo(Color.ORANGE, Shape.CIRCLE).label()));
    Set<Integer> rgb = new HashSet<>();
    for (Color c : Color.values()) rgb.add(c.rgb());
    assertEquals(Color.values().length, rgb.size());
  }

  @Test
  void objectCountsStayWithinTheConfiguredRangeAndImageSizeIsHonoured() {
    ShapesWorld w = new ShapesWorld(ShapesWorldConfig.defaults().withObjects(3, 4).withImageSize(96));
    int[] counts = new int[5];
    for (int i = 0; i < 300; i++) {
      ShapesSample s = w.sample(Split.TRAIN, i);
      assertEquals(96 * 96, s.pixels().length);
      assertEquals(96, s.image().getWidth());
      counts[s.scene().size()]++;
    }
    assertEquals(0, counts[1] + counts[2]);
    assertTrue(counts[3] > 50 && counts[4] > 50, Arrays.toString(counts));
  }

  @Test
  void badConfigsAreRejectedWithTheFieldNamed() {
    var d = ShapesWorldConfig.defaults();
    assertMessage("image_size", () -> d.withImageSize(8));
    assertMessage("max_objects", () -> d.withObjects(2, 5));
    assertMessage("video_frames", () -> d.withVideoFrames(1));
    List<Combo> allRed = Arrays.stream(Shape.values()).map(s -> new Combo(Color.RED, s)).toList();
    assertMessage("held_out", () -> new ShapesWorldConfig(64, 1, 4, 0, allRed, true, 8));
    assertMessage("unknown key 'imagesize'", () -> ShapesWorldConfig.fromJson("{\"imagesize\": 64}"));
    assertMessage("unknown shape 'pentagon'", () -> ShapesWorldConfig.fromJson("{\"held_out\": [\"red pentagon\"]}"));
    assertMessage("unknown split 'training'", () -> Split.parse("training"));
    assertMessage("negative", () -> world.sample(Split.TRAIN, -1));
    var parsed = ShapesWorldConfig.fromJson("{\"image_size\": 32, \"seed\": 7, \"held_out\": [\"red triangle\"], \"textured\": false}");
    assertEquals(new ShapesWorldConfig(32, 1, 4, 7, List.of(new Combo(Color.RED, Shape.TRIANGLE)), false, 8), parsed);
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable bad) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  private static List<String> texts(ShapesSample s) {
    List<String> out = new java.util.ArrayList<>(s.captions());
    s.referring().forEach(r -> out.add(r.text()));
    s.questions().forEach(q -> out.add(q.question()));
    return out;
  }
}
