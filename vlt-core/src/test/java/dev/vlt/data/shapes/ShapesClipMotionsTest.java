package dev.vlt.data.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSource;
import dev.vlt.data.DataSources;
import dev.vlt.data.GeneratedSource;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The video-label view of ShapesWorld's clips: every clip labelled by the motion its caption names, drawn apart from the pairs. */
class ShapesClipMotionsTest {
  private final ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(32).withObjects(1, 1));

  @Test
  void eachClipIsLabelledByTheMotionItsCaptionNames() {
    ShapesClipSource motions = new ShapesClipSource(world, Split.TRAIN, 100, 0, true);
    List<String> classes = motions.classNames();
    assertEquals(Motion.values().length, classes.size());
    Set<Integer> labels = new HashSet<>();
    for (long i = 0; i < 60; i++) {
      Sample s = motions.get(i);
      ShapesClip clip = world.clip(Split.TRAIN, ShapesClipSource.MOTIONS_OFFSET + i);
      assertEquals(clip.motion().ordinal(), s.label(), "clip " + i);
      assertEquals(List.of(classes.get(s.label())), s.captions());
      String verb = clip.motion() == Motion.CHANGE_COLOR ? "turns" : clip.motion().verb();
      assertTrue(clip.caption().contains(verb), clip.caption() + " vs label " + classes.get(s.label()));
      labels.add(s.label());
    }
    assertTrue(labels.size() >= 5, "60 clips cover most motions: " + labels);
  }

  @Test
  void mixedWithThePairsNoClipIsInBothStreams() throws Exception {
    DataSource mix = DataSources.open(ShapesClipSource.NAME + "+" + ShapesClipSource.MOTIONS,
        DataOptions.defaults(32), new SkipReport());
    assertTrue(DataSources.isGenerated(ShapesClipSource.NAME + "+" + ShapesClipSource.MOTIONS));
    GeneratedSource g = (GeneratedSource) mix;
    Set<String> pairIds = new HashSet<>(), labelledIds = new HashSet<>();
    for (long i = 0; i < 40; i++) {
      Sample s = g.get(i);
      if (s.hasLabel()) labelledIds.add(s.location()); else pairIds.add(s.location());
    }
    assertEquals(20, pairIds.size());
    assertEquals(20, labelledIds.size());
    labelledIds.retainAll(pairIds);
    assertFalse(labelledIds.iterator().hasNext(), "the same clip in both streams: " + labelledIds);
  }

  @Test
  void someMotionsOnlyLabelledInTheirOrderWithTheirSound() throws Exception {
    DataSource base = DataSources.open(ShapesClipSource.MOTIONS + ":train:grow,move-left", DataOptions.defaults(32), new SkipReport());
    assertEquals(List.of("something grows", "something moves to the left"), base.classNames());
    assertEquals(ShapesWorld.motionPrompts(Motion.MOVE_LEFT), base.classPrompts(1), "named as the captions name it");
    assertEquals(42, base.classPrompts(0).size());
    GeneratedSource g = (GeneratedSource) base;
    Set<String> ids = new HashSet<>();
    Set<Integer> labels = new HashSet<>();
    for (long i = 0; i < 40; i++) {
      Sample s = g.get(i);
      assertEquals(s.id(), g.get(i).id(), "a pure function of the index");
      ShapesClip clip = world.clip(Split.TRAIN, Long.parseLong(s.id().substring(s.id().lastIndexOf('/') + 1)));
      assertEquals(List.of(Motion.GROW, Motion.MOVE_LEFT).get(s.label()), clip.motion(), s.id());
      var video = ((dev.vlt.data.video.VideoSource) s.image()).video();
      assertEquals(clip.audio().length, video.sound().pcm().length, "the clip's sound travels with its frames");
      ids.add(s.id());
      labels.add(s.label());
    }
    assertEquals(40, ids.size(), "no clip twice");
    assertEquals(Set.of(0, 1), labels);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> DataSources.open(ShapesClipSource.MOTIONS + ":train:grow,jump", DataOptions.defaults(32), new SkipReport()));
    assertTrue(e.getMessage().contains("jump") && e.getMessage().contains("move-left"), e.getMessage());
  }
}
