package dev.vlt.data.shapes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * How ShapesWorld generates: image side in pixels, objects per scene, the seed, the colour×shape combos held out of
 * train/val (they make up test), whether backgrounds are textured, and frames per video clip.
 */
public record ShapesWorldConfig(
    int imageSize, int minObjects, int maxObjects, long seed, List<Combo> heldOut, boolean textured, int videoFrames) {

  /**
   * The documented default held-out set: 8 of the 42 combos (19%). Every colour and every shape keeps at least four
   * partners in train, so each attribute is learned there and only the pairing is new at test time.
   */
  public static final List<Combo> DEFAULT_HELD_OUT = List.of(
      new Combo(Color.RED, Shape.TRIANGLE), new Combo(Color.GREEN, Shape.CROSS), new Combo(Color.BLUE, Shape.STAR),
      new Combo(Color.YELLOW, Shape.CIRCLE), new Combo(Color.PURPLE, Shape.HEXAGON), new Combo(Color.ORANGE, Shape.SQUARE),
      new Combo(Color.WHITE, Shape.TRIANGLE), new Combo(Color.BLUE, Shape.CIRCLE));

  public ShapesWorldConfig {
    if (imageSize < 16 || imageSize > 1024) throw new IllegalArgumentException("image_size " + imageSize + " is outside 16..1024");
    if (minObjects < 1 || maxObjects > 4 || minObjects > maxObjects) {
      throw new IllegalArgumentException("min_objects " + minObjects + " / max_objects " + maxObjects + " must satisfy 1 <= min <= max <= 4");
    }
    if (videoFrames < 2 || videoFrames > 64) throw new IllegalArgumentException("video_frames " + videoFrames + " is outside 2..64");
    heldOut = List.copyOf(heldOut);
    if (new HashSet<>(heldOut).size() != heldOut.size()) throw new IllegalArgumentException("held_out lists a combo twice: " + heldOut);
    Set<Color> colors = EnumSet.noneOf(Color.class);
    Set<Shape> shapes = EnumSet.noneOf(Shape.class);
    for (Combo c : Combo.all()) {
      if (!heldOut.contains(c)) {
        colors.add(c.color());
        shapes.add(c.shape());
      }
    }
    // zero-shot over combos only makes sense if train has seen every attribute on its own
    if (colors.size() != Color.values().length || shapes.size() != Shape.values().length) {
      throw new IllegalArgumentException("held_out " + heldOut + " leaves some colour or shape with no combo in train");
    }
  }

  /** 64×64 images, 1–4 objects, seed 0, the default held-out set, textured backgrounds, 8-frame clips. */
  public static ShapesWorldConfig defaults() {
    return new ShapesWorldConfig(64, 1, 4, 0, DEFAULT_HELD_OUT, true, 8);
  }

  public ShapesWorldConfig withSeed(long s) {
    return new ShapesWorldConfig(imageSize, minObjects, maxObjects, s, heldOut, textured, videoFrames);
  }

  public ShapesWorldConfig withImageSize(int size) {
    return new ShapesWorldConfig(size, minObjects, maxObjects, seed, heldOut, textured, videoFrames);
  }

  public ShapesWorldConfig withObjects(int min, int max) {
    return new ShapesWorldConfig(imageSize, min, max, seed, heldOut, textured, videoFrames);
  }

  public ShapesWorldConfig withTextured(boolean t) {
    return new ShapesWorldConfig(imageSize, minObjects, maxObjects, seed, heldOut, t, videoFrames);
  }

  public ShapesWorldConfig withVideoFrames(int frames) {
    return new ShapesWorldConfig(imageSize, minObjects, maxObjects, seed, heldOut, textured, frames);
  }

  /** The combos a split draws from: the held-out ones for test (all combos if none are held out), the rest otherwise. */
  public List<Combo> combos(Split split) {
    List<Combo> out = new ArrayList<>();
    for (Combo c : Combo.all()) {
      boolean held = heldOut.contains(c);
      if (split == Split.TEST ? held || heldOut.isEmpty() : !held) out.add(c);
    }
    return List.copyOf(out);
  }

  /**
   * Reads the snake_case JSON form, e.g. {"image_size": 64, "held_out": ["red triangle"]}; absent keys keep their
   * {@link #defaults()}, unknown keys are an error naming the key.
   */
  public static ShapesWorldConfig fromJson(String json) {
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("shapes config is not valid JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) throw new IllegalArgumentException("shapes config must be a JSON object");
    Set<String> known = Set.of("image_size", "min_objects", "max_objects", "seed", "held_out", "textured", "video_frames");
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) throw new IllegalArgumentException("shapes config: unknown key '" + k + "' (known: " + known + ")");
    }
    ShapesWorldConfig d = defaults();
    List<Combo> held = d.heldOut();
    if (n.has("held_out")) {
      held = new ArrayList<>();
      for (JsonNode c : n.get("held_out")) held.add(Combo.parse(c.asText()));
    }
    return new ShapesWorldConfig(n.path("image_size").asInt(d.imageSize), n.path("min_objects").asInt(d.minObjects),
        n.path("max_objects").asInt(d.maxObjects), n.path("seed").asLong(d.seed), held,
        n.path("textured").asBoolean(d.textured), n.path("video_frames").asInt(d.videoFrames));
  }
}
