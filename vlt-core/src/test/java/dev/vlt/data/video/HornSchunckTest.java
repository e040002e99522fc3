package dev.vlt.data.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.shapes.Motion;
import dev.vlt.data.shapes.ShapeObject;
import dev.vlt.data.shapes.ShapesClip;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/** Horn–Schunck flow against known flow fields: its end-point error measured on textures moved by a given field. */
class HornSchunckTest {
  private static final int S = 64;
  private static final int BORDER = 8;  // pixels near the edge see texture enter or leave the frame

  /** A smooth texture of several orientations and scales, grey values in [0.1, 0.9]. */
  private static double texture(double x, double y) {
    return 0.5 + 0.2 * Math.sin(2 * Math.PI * x / 13) * Math.cos(2 * Math.PI * y / 17)
        + 0.15 * Math.sin(2 * Math.PI * (x + 0.6 * y) / 9 + 1) + 0.05 * Math.cos(2 * Math.PI * (x - y) / 23);
  }

  /** The texture sampled at positions p − flow(p): the frame in which each point of the first has moved by the flow. */
  private static float[] frame(DoubleBinaryOperator dx, DoubleBinaryOperator dy, boolean moved) {
    float[] f = new float[S * S];
    for (int y = 0; y < S; y++) {
      for (int x = 0; x < S; x++) {
        // for the second frame, invert the (smooth, small) field by fixed-point iteration: find q with q + flow(q) = p
        double qx = x, qy = y;
        if (moved) {
          for (int k = 0; k < 20; k++) {
            double nx = x - dx.applyAsDouble(qx, qy), ny = y - dy.applyAsDouble(qx, qy);
            qx = nx;
            qy = ny;
          }
        }
        f[y * S + x] = (float) texture(qx, qy);
      }
    }
    return f;
  }

  /** Mean end-point error over the interior. */
  private static double epe(HornSchunck.Flow flow, DoubleBinaryOperator dx, DoubleBinaryOperator dy) {
    double sum = 0;
    int n = 0;
    for (int y = BORDER; y < S - BORDER; y++) {
      for (int x = BORDER; x < S - BORDER; x++) {
        double eu = flow.u()[y * S + x] - dx.applyAsDouble(x, y), ev = flow.v()[y * S + x] - dy.applyAsDouble(x, y);
        sum += Math.sqrt(eu * eu + ev * ev);
        n++;
      }
    }
    return sum / n;
  }

  private static double measure(DoubleBinaryOperator dx, DoubleBinaryOperator dy) {
    HornSchunck.Flow flow = HornSchunck.defaults().flow(frame(dx, dy, false), frame(dx, dy, true), S, S);
    return epe(flow, dx, dy);
  }

  @Test
  void aTranslationIsRecoveredToAQuarterPixel() {
    double epe = measure((x, y) -> 2.6, (x, y) -> -1.3);                      // |d| = 2.9 px
    System.out.printf("Horn–Schunck, translation (2.6, -1.3): mean end-point error %.4f px%n", epe);
    assertTrue(epe < 0.3, "end-point error " + epe);  // measured 0.230 px (8 % of the move)
    double single = epe(new HornSchunck(0.05, 100, 1).flow(frame((x, y) -> 2.6, (x, y) -> -1.3, false),
        frame((x, y) -> 2.6, (x, y) -> -1.3, true), S, S), (x, y) -> 2.6, (x, y) -> -1.3);
    assertTrue(single > 2 * epe, "without the pyramid a 3-px move breaks the linearisation: " + single + " vs " + epe);
  }

  @Test
  void aRotationAndAnExpansionAreRecovered() {
    double a = Math.toRadians(4), c = S / 2.0;
    double rot = measure((x, y) -> (Math.cos(a) - 1) * (x - c) - Math.sin(a) * (y - c),
        (x, y) -> Math.sin(a) * (x - c) + (Math.cos(a) - 1) * (y - c));     // up to 1.6 px at the interior's corners
    double grow = measure((x, y) -> 0.06 * (x - c), (x, y) -> 0.06 * (y - c));  // what a growing object does: up to 1.4 px
    System.out.printf("Horn–Schunck, rotation 4°: %.4f px; expansion 6 %%: %.4f px (mean end-point error)%n", rot, grow);
    assertTrue(rot < 0.3, "rotation end-point error " + rot);  // measured 0.196 px
    assertTrue(grow < 0.2, "expansion end-point error " + grow);  // measured 0.132 px
  }

  @Test
  void equalFramesHaveNoFlowAndBadInputIsRefused() {
    float[] f = frame((x, y) -> 0, (x, y) -> 0, false);
    HornSchunck.Flow flow = HornSchunck.defaults().flow(f, f, S, S);
    for (int i = 0; i < f.length; i++) {
      assertEquals(0f, flow.u()[i], 0f);
      assertEquals(0f, flow.v()[i], 0f);
    }
    assertThrows(IllegalArgumentException.class, () -> HornSchunck.defaults().flow(f, new float[3], S, S));
    assertThrows(IllegalArgumentException.class, () -> new HornSchunck(0, 10, 1));
  }

  @Test
  void aShapesWorldObjectMovingRightFlowsRight() {
    ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(S).withObjects(1, 1));
    ShapesClip clip = null;
    for (long i = 0; clip == null; i++) {
      ShapesClip c = world.clip(Split.TRAIN, i);
      if (c.motion() == Motion.MOVE_RIGHT) clip = c;
    }
    Video v = dev.vlt.data.shapes.ShapesClipSource.video(clip, "test");
    HornSchunck.Flow flow = HornSchunck.defaults().flow(HornSchunck.grey(v.frames().get(3)), HornSchunck.grey(v.frames().get(4)), S, S);
    ShapeObject mover = clip.scenes().get(3).objects().get(0);
    double u = 0, vv = 0;
    int n = 0;
    for (int y = mover.box().y0(); y < mover.box().y1(); y++) {
      for (int x = mover.box().x0(); x < mover.box().x1(); x++) {
        u += flow.u()[y * S + x];
        vv += flow.v()[y * S + x];
        n++;
      }
    }
    u /= n;
    vv /= n;
    double step = (clip.scenes().get(4).objects().get(0).cx() - mover.cx());
    System.out.printf("Horn–Schunck on a ShapesWorld clip: mean flow over the object (%.2f, %.2f) px, true (%.2f, 0)%n", u, vv, step);
    assertTrue(u > 0.3 * step && Math.abs(vv) < 0.3 * step, "flow (" + u + ", " + vv + ") for a move of " + step + " px right");
  }
}
