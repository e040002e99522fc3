package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.shapes.Combo;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import org.junit.jupiter.api.Test;

/** The captioning runs' "correct": the scene's objects, each once, as a well-formed list, and nothing else. */
class ShapesCaptionsTest {
  @Test
  void correctMeansExactlyTheObjectsInAWellFormedCaption() {
    ShapesSample one = new ShapesWorld(ShapesWorldConfig.defaults().withObjects(1, 1)).samples(Split.TRAIN, 0, 1).findFirst().orElseThrow();
    Combo c = one.scene().get(0).combo();
    String colour = c.color().word();
    String shape = c.shape().word();
    assertTrue(ShapesCaptions.correct(one.caption(), one), one.caption());
    assertTrue(ShapesCaptions.correct("a large " + colour + " " + shape, one), "size is free");
    assertFalse(ShapesCaptions.correct("a small " + colour + " " + colour + " " + shape, one), "a repeated word");
    assertFalse(ShapesCaptions.correct("a small " + colour + " " + shape + " " + shape, one), "a trailing shape");
    assertFalse(ShapesCaptions.correct("a small " + colour + " " + shape + " and a small " + colour + " " + shape, one), "twice");
    String other = c.shape() == dev.vlt.data.shapes.Shape.values()[0] ? dev.vlt.data.shapes.Shape.values()[1].word()
        : dev.vlt.data.shapes.Shape.values()[0].word();
    assertFalse(ShapesCaptions.correct("a small " + colour + " " + other, one), "another shape");

    ShapesSample two = new ShapesWorld(ShapesWorldConfig.defaults().withObjects(2, 2)).samples(Split.TRAIN, 0, 1).findFirst().orElseThrow();
    Combo a = two.scene().get(0).combo();
    Combo b = two.scene().get(1).combo();
    assertTrue(ShapesCaptions.correct("a small " + b.name() + " and a large " + a.name(), two), "order is free");
    assertFalse(ShapesCaptions.correct("a small " + a.name(), two), "an object missing");
  }
}
