package dev.vlt.models;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A model folder's {@code preprocess_cfg}: how images must be prepared for this model. Absent fields take open_clip's
 * defaults; the size defaults to the vision tower's image size, as open_clip does.
 */
public record Preprocess(int size, float[] mean, float[] std, String interpolation, String resizeMode, int fillColor) {
  public static final float[] OPENAI_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  public static final float[] OPENAI_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  public Preprocess {
    if (size <= 0) throw error("preprocess_cfg.size", "must be positive");
    if (mean.length != 3 || std.length != 3) throw error("preprocess_cfg.mean", "and std need 3 values");
    for (float s : std) if (!(s > 0)) throw error("preprocess_cfg.std", "values must be positive");
    if (!interpolation.equals("bicubic") && !interpolation.equals("bilinear") && !interpolation.equals("nearest")) {
      throw error("preprocess_cfg.interpolation", "must be bicubic, bilinear or nearest, got " + interpolation);
    }
    if (!resizeMode.equals("shortest") && !resizeMode.equals("longest") && !resizeMode.equals("squash")) {
      throw error("preprocess_cfg.resize_mode", "must be shortest, longest or squash, got " + resizeMode);
    }
  }

  public static Preprocess defaults(int size) {
    return new Preprocess(size, OPENAI_MEAN.clone(), OPENAI_STD.clone(), "bicubic", "shortest", 0);
  }

  public static Preprocess fromJson(JsonNode node, int imageSize) {
    ConfigReader r = new ConfigReader(node, "preprocess_cfg");
    int size = imageSize;
    JsonNode s = r.getNode("size");
    if (s != null) size = s.isArray() ? s.get(0).asInt() : s.asInt();
    Preprocess p = new Preprocess(size, floats(r.getNode("mean"), OPENAI_MEAN), floats(r.getNode("std"), OPENAI_STD),
        r.getString("interpolation", "bicubic"), r.getString("resize_mode", "shortest"), r.getInt("fill_color", 0));
    r.finish();
    return p;
  }

  private static float[] floats(JsonNode n, float[] def) {
    if (n == null) return def.clone();
    if (n.isNumber()) return new float[] {n.floatValue(), n.floatValue(), n.floatValue()};
    float[] out = new float[n.size()];
    for (int i = 0; i < out.length; i++) out[i] = (float) n.get(i).asDouble();
    return out;
  }

  /**
   * Packed 0xRRGGBB pixels [h·w] (row-major) → normalised CHW floats [3·h·w], as ToTensor + Normalize compute them in
   * float32: (u8 / 255 − mean) / std. The pixels must already have this model's size; resizing is the caller's.
   */
  public float[] normalize(int[] rgb) {
    if (rgb.length != size * size) {
      throw new IllegalArgumentException(rgb.length + " pixels given, the model takes " + size + "×" + size + " images");
    }
    float[] out = new float[3 * rgb.length];
    for (int c = 0; c < 3; c++) {
      int shift = 16 - 8 * c;
      for (int p = 0; p < rgb.length; p++) out[c * rgb.length + p] = (((rgb[p] >> shift) & 0xFF) / 255f - mean[c]) / std[c];
    }
    return out;
  }

  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    ArrayNode m = o.putArray("mean");
    for (float v : mean) m.add(Double.parseDouble(Float.toString(v)));
    ArrayNode sd = o.putArray("std");
    for (float v : std) sd.add(Double.parseDouble(Float.toString(v)));
    o.put("interpolation", interpolation).put("resize_mode", resizeMode);
    return o;
  }
}
