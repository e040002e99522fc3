package dev.vlt.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one image-text record, as manifests (JSONL, CSV) and WebDataset {@code .json} members spell them. Names
 * follow common usage and open_clip's CSV defaults: the image under {@code image}, {@code filepath}, {@code file} or
 * {@code path}; the text under {@code caption}, {@code captions} (a list), {@code title} or {@code text}.
 */
record RecordFields(String image, List<String> captions, boolean hadCaption, Object label, List<Box> boxes) {
  static final List<String> IMAGE_KEYS = List.of("image", "filepath", "file", "path");
  static final List<String> CAPTION_KEYS = List.of("caption", "title", "text");

  /** A record that breaks the format; the message says which field and why. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message);
    }
  }

  /** @param needImage whether an image field is required (manifests) or comes from elsewhere (tar members) */
  static RecordFields parse(JsonNode obj, boolean needImage) throws Malformed {
    return parse(obj, needImage, null, null);
  }

  /**
   * @param imageKey the one field holding the image path, or null for any of {@link #IMAGE_KEYS}
   * @param captionKey the one field holding the caption (a string or a list of strings), or null for the usual names
   */
  static RecordFields parse(JsonNode obj, boolean needImage, String imageKey, String captionKey) throws Malformed {
    if (!obj.isObject()) throw new Malformed("expected a JSON object, got " + obj.getNodeType().name().toLowerCase());
    if (captionKey != null) return parseWithCaptionKey(obj, needImage, imageKey, captionKey);
    String image = null;
    for (String k : imageKey != null ? List.of(imageKey) : IMAGE_KEYS) {
      JsonNode n = obj.get(k);
      if (n != null) {
        if (!n.isTextual() || n.asText().isBlank()) throw new Malformed("'" + k + "' must be a non-empty path");
        image = n.asText();
        break;
      }
    }
    if (image == null && needImage) {
      throw new Malformed(imageKey != null ? "no '" + imageKey + "' field (the image key)" : "no image field (one of " + IMAGE_KEYS + ")");
    }

    List<String> captions = new ArrayList<>();
    boolean hadCaption = false;
    JsonNode list = obj.get("captions");
    if (list != null) {
      if (!list.isArray()) throw new Malformed("'captions' must be a list of strings");
      hadCaption = true;
      for (JsonNode c : list) {
        if (!c.isTextual()) throw new Malformed("'captions' must be a list of strings, found " + c);
        if (!c.asText().isBlank()) captions.add(c.asText().strip());
      }
    }
    for (String k : CAPTION_KEYS) {
      JsonNode n = obj.get(k);
      if (n == null || n.isNull()) continue;
      if (!n.isTextual()) throw new Malformed("'" + k + "' must be a string");
      hadCaption = true;
      if (!n.asText().isBlank()) captions.add(n.asText().strip());
      break;
    }

    Object label = null;
    JsonNode l = obj.get("label");
    if (l != null && !l.isNull()) {
      if (l.isIntegralNumber() && l.asInt() >= 0) label = l.asInt();
      else if (l.isTextual() && !l.asText().isBlank()) label = l.asText();
      else throw new Malformed("'label' must be a class name or a non-negative integer, got " + l);
    }
    if (!hadCaption && label == null) throw new Malformed("neither a caption nor a label");
    return new RecordFields(image, captions, hadCaption, label, boxes(obj.get("boxes")));
  }

  /** A record whose caption is under {@code captionKey} alone (a string, or a list of strings). */
  private static RecordFields parseWithCaptionKey(JsonNode obj, boolean needImage, String imageKey, String captionKey)
      throws Malformed {
    com.fasterxml.jackson.databind.node.ObjectNode rest = ((com.fasterxml.jackson.databind.node.ObjectNode) obj).deepCopy();
    for (String k : CAPTION_KEYS) rest.remove(k);
    rest.remove("captions");
    JsonNode c = obj.get(captionKey);
    if (c == null || c.isNull()) throw new Malformed("no '" + captionKey + "' field (the caption key)");
    rest.set(c.isArray() ? "captions" : "caption", c);
    return parse(rest, needImage, imageKey, null);
  }

  /** {@code [[x0, y0, x1, y1], …]} or {@code [{"box": [x0, y0, x1, y1], "label": "…"}, …]}, in pixels. */
  private static List<Box> boxes(JsonNode n) throws Malformed {
    if (n == null || n.isNull()) return List.of();
    if (!n.isArray()) throw new Malformed("'boxes' must be a list");
    List<Box> out = new ArrayList<>();
    for (JsonNode b : n) {
      JsonNode coords = b.isObject() ? b.get("box") : b;
      String name = b.isObject() && b.hasNonNull("label") ? b.get("label").asText() : null;
      if (coords == null || !coords.isArray() || coords.size() != 4) throw new Malformed("a box must be [x0, y0, x1, y1], got " + b);
      float[] v = new float[4];
      for (int i = 0; i < 4; i++) {
        if (!coords.get(i).isNumber()) throw new Malformed("box coordinates must be numbers, got " + coords);
        v[i] = coords.get(i).floatValue();
      }
      if (v[2] < v[0] || v[3] < v[1]) throw new Malformed("box corners out of order: " + coords);
      out.add(new Box(v[0], v[1], v[2], v[3], name));
    }
    return out;
  }
}
