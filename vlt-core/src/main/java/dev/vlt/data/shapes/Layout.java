package dev.vlt.data.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random scene layouts: attributes from a split's combos, positions by rejection so boxes keep a gap. */
final class Layout {
  /** Minimum pixels between boxes: objects never touch, so masks never compete for a pixel. */
  static final int GAP = 2;
  private static final int TRIES = 40;

  private Layout() {}

  /** A scene of minObjects..maxObjects objects; a large object that finds no room is made small before giving up on it. */
  static Scene scene(SplittableRandom r, ShapesWorldConfig cfg, List<Combo> combos) {
    int wanted = cfg.minObjects() + r.nextInt(cfg.maxObjects() - cfg.minObjects() + 1);
    Background bg = background(r, cfg.textured());
    while (true) {
      List<ShapeObject> objects = new ArrayList<>();
      for (int i = 0; i < wanted; i++) {
        ShapeObject o = place(r, cfg.imageSize(), pick(r, combos), r.nextBoolean() ? Size.LARGE : Size.SMALL, objects, null);
        if (o != null) objects.add(o);
      }
      // four large objects may not fit in a small image; try again rather than return fewer than asked
      if (objects.size() >= cfg.minObjects()) return new Scene(objects, bg);
    }
  }

  static Combo pick(SplittableRandom r, List<Combo> combos) {
    return combos.get(r.nextInt(combos.size()));
  }

  /**
   * Places one object clear of others (and of keepOut when not null), or returns null when there is no room. The radius
   * varies ±5% so sizes look natural but small and large never meet.
   */
  static ShapeObject place(SplittableRandom r, int imageSize, Combo combo, Size size, List<ShapeObject> others, Box keepOut) {
    for (int t = 0; t < TRIES; t++) {
      Size s = t < TRIES / 2 ? size : Size.SMALL;
      double radius = s.radius(imageSize) * (0.95 + 0.1 * r.nextDouble());
      double lo = radius + 1, hi = imageSize - radius - 1;
      ShapeObject o = ShapeObject.place(combo.shape(), combo.color(), s,
          lo + r.nextDouble() * (hi - lo), lo + r.nextDouble() * (hi - lo), radius, imageSize);
      if (fits(o.box(), others, keepOut)) return o;
    }
    return null;
  }

  static boolean fits(Box box, List<ShapeObject> others, Box keepOut) {
    if (keepOut != null && box.near(keepOut, GAP)) return false;
    for (ShapeObject o : others) if (box.near(o.box(), GAP)) return false;
    return true;
  }

  /** A dark, nearly grey base (so no object colour, white included, blends in) and a texture when textured. */
  static Background background(SplittableRandom r, boolean textured) {
    int v = 22 + r.nextInt(40);
    int rgb = 0;
    for (int ch = 0; ch < 3; ch++) rgb = rgb << 8 | (v + r.nextInt(-8, 9));
    Background.Texture[] kinds = Background.Texture.values();
    Background.Texture texture = textured ? kinds[r.nextInt(kinds.length)] : Background.Texture.PLAIN;
    return new Background(rgb, texture, r.nextLong());
  }
}
