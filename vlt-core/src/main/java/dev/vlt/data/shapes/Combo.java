package dev.vlt.data.shapes;

import java.util.ArrayList;
import java.util.List;

/** A colour×shape combination: the unit that splits hold out and the class of single-object classification. */
public record Combo(Color color, Shape shape) {
  public Combo {
    if (color == null || shape == null) throw new IllegalArgumentException("combo needs a colour and a shape");
  }

  /** "red triangle": the class name used for captions and zero-shot prompts. */
  public String name() {
    return color.word() + " " + shape.word();
  }

  /** The class label: colour-major, so label = color · |shapes| + shape and {@link #all()} lists combos in label order. */
  public int label() {
    return color.ordinal() * Shape.values().length + shape.ordinal();
  }

  public static List<Combo> all() {
    List<Combo> all = new ArrayList<>();
    for (Color c : Color.values()) for (Shape s : Shape.values()) all.add(new Combo(c, s));
    return List.copyOf(all);
  }

  /** Parses "red triangle". */
  public static Combo parse(String name) {
    String[] words = name.trim().split("\\s+");
    if (words.length != 2) throw new IllegalArgumentException("combo '" + name + "' should be 'colour shape', e.g. 'red triangle'");
    return new Combo(Color.parse(words[0]), Shape.parse(words[1]));
  }
}
