package dev.vlt.data.shapes;

import java.util.List;

/** What one image shows: 1 to 4 objects, in generation order, over a background. Objects never overlap. */
public record Scene(List<ShapeObject> objects, Background background) {
  public Scene {
    objects = List.copyOf(objects);
  }

  public int size() {
    return objects.size();
  }

  public ShapeObject get(int i) {
    return objects.get(i);
  }
}
