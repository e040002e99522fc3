package dev.vlt.data.shapes;

/** What the moving object of a clip does. Moves cover 40% of the image side; growing and shrinking swap size class. */
public enum Motion {
  MOVE_LEFT("moves to the left", "moving to the left", -1, 0),
  MOVE_RIGHT("moves to the right", "moving to the right", 1, 0),
  MOVE_UP("moves up", "moving up", 0, -1),
  MOVE_DOWN("moves down", "moving down", 0, 1),
  GROW("grows", "growing", 0, 0),
  SHRINK("shrinks", "shrinking", 0, 0),
  /** Switches colour halfway through the clip; the verb is completed by the new colour ("turns blue"). */
  CHANGE_COLOR("turns", "turning", 0, 0);

  /** Fraction of the image side a move travels. */
  static final double TRAVEL = 0.4;

  private final String verb;
  private final String gerund;
  final int dx;
  final int dy;

  Motion(String verb, String gerund, int dx, int dy) {
    this.verb = verb;
    this.gerund = gerund;
    this.dx = dx;
    this.dy = dy;
  }

  public String verb() {
    return verb;
  }

  public String gerund() {
    return gerund;
  }

  /** The motion as a data spec names it: "move-left", "grow", "change-color". */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The motion of {@link #id}; an error listing the ids otherwise. */
  public static Motion parse(String id) {
    for (Motion m : values()) if (m.id().equals(id)) return m;
    throw new IllegalArgumentException("unknown motion '" + id + "'; motions are "
        + java.util.Arrays.stream(values()).map(Motion::id).toList());
  }

  public boolean moves() {
    return dx != 0 || dy != 0;
  }
}
