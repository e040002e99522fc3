package dev.vlt.data.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds video clips: a start and end state for the moving object, linear in between, still distractors off its path. */
final class Clips {
  private Clips() {}

  static ShapesClip make(SplittableRandom r, ShapesWorldConfig cfg, List<Combo> combos, Renderer renderer, Split split,
      long index) {
    int size = cfg.imageSize(), frames = cfg.videoFrames();
    Motion motion;
    Combo combo;
    Color newColor = null;
    while (true) {
      motion = Motion.values()[r.nextInt(Motion.values().length)];
      combo = Layout.pick(r, combos);
      if (motion != Motion.CHANGE_COLOR) break;
      // the colour it turns into must also be a combo of this split, or train clips would show held-out combos
      List<Color> targets = new ArrayList<>();
      for (Combo c : combos) if (c.shape() == combo.shape() && c.color() != combo.color()) targets.add(c.color());
      if (!targets.isEmpty()) {
        newColor = targets.get(r.nextInt(targets.size()));
        break;
      }
    }
    Size from = motion == Motion.GROW ? Size.SMALL : motion == Motion.SHRINK ? Size.LARGE : r.nextBoolean() ? Size.LARGE : Size.SMALL;
    Size to = motion == Motion.GROW ? Size.LARGE : motion == Motion.SHRINK ? Size.SMALL : from;
    double jitter = 0.95 + 0.1 * r.nextDouble();
    double r0 = from.radius(size) * jitter, r1 = to.radius(size) * jitter, rMax = Math.max(r0, r1);
    double travel = motion.moves() ? Motion.TRAVEL * size : 0;
    double lo = rMax + 1, hi = size - rMax - 1;
    // start so that the end stays inside: shrink the start range by the travel on the side the object moves to
    double x0 = start(r, lo, hi, motion.dx, travel), y0 = start(r, lo, hi, motion.dy, travel);
    double x1 = x0 + motion.dx * travel, y1 = y0 + motion.dy * travel;
    ShapeObject first = ShapeObject.place(combo.shape(), combo.color(), from, x0, y0, r0, size);
    ShapeObject last = ShapeObject.place(combo.shape(), combo.color(), to, x1, y1, r1, size);
    Box path = first.box().union(last.box());

    int wanted = Math.min(2, cfg.minObjects() - 1 + r.nextInt(cfg.maxObjects() - cfg.minObjects() + 1));
    List<ShapeObject> still = new ArrayList<>();
    for (int k = 0; k < wanted; k++) {
      ShapeObject o = Layout.place(r, size, Layout.pick(r, combos), r.nextBoolean() ? Size.LARGE : Size.SMALL, still, path);
      if (o != null) still.add(o);
    }
    Background bg = Layout.background(r, cfg.textured());

    List<Scene> scenes = new ArrayList<>();
    int[][] pixels = new int[frames][size * size];
    for (int f = 0; f < frames; f++) {
      double t = (double) f / (frames - 1);
      double rad = r0 + t * (r1 - r0);
      Size s = motion == Motion.GROW || motion == Motion.SHRINK ? (t < 0.5 ? from : to) : from;
      ShapeObject mover = ShapeObject.place(combo.shape(), combo.color(), s, x0 + t * (x1 - x0), y0 + t * (y1 - y0), rad, size);
      if (newColor != null && f >= frames / 2) mover = mover.withColor(newColor);
      List<ShapeObject> objects = new ArrayList<>();
      objects.add(mover);
      objects.addAll(still);
      Scene scene = new Scene(objects, bg);
      scenes.add(scene);
      renderer.render(scene, pixels[f], null);
    }
    float[] audio = Audio.track(combo, motion, newColor, frames);
    return new ShapesClip(split, index, scenes, pixels, size, motion, newColor, captions(first, motion, newColor, still),
        audio);
  }

  private static double start(SplittableRandom r, double lo, double hi, int direction, double travel) {
    if (direction > 0) hi -= travel;
    if (direction < 0) lo += travel;
    return lo + r.nextDouble() * (hi - lo);
  }

  private static List<String> captions(ShapeObject first, Motion motion, Color newColor, List<ShapeObject> still) {
    String tail = newColor == null ? "" : " " + newColor.word();
    String plain = Words.a(Words.colorShape(first)) + " " + motion.verb() + tail;
    String sized = Words.a(first.describe()) + " " + motion.verb() + tail;
    if (!still.isEmpty()) {
      List<String> others = still.stream().map(o -> Words.a(Words.colorShape(o))).toList();
      sized += " while " + Words.list(others) + (others.size() == 1 ? " stays still" : " stay still");
    }
    String gerund = Words.a(Words.colorShape(first)) + " " + motion.gerund() + tail;
    return List.of(plain, sized, gerund);
  }
}
