package dev.vlt.data.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * open_clip's {@code preprocess_cfg}: output side, per-channel mean and std (RGB), interpolation ("bicubic", "bilinear";
 * open_clip's "random" means bicubic at eval) and resize mode ("shortest", "longest", "squash").
 */
public record PreprocessConfig(int imageSize, float[] mean, float[] std, String interpolation, String resizeMode) {
  /** OpenAI CLIP's statistics, open_clip's default: Python floats narrowed to float32 as torch does (parity needs it). */
  public static final float[] OPENAI_MEAN = {(float) 0.48145466, (float) 0.4578275, (float) 0.40821073};
  public static final float[] OPENAI_STD = {(float) 0.26862954, (float) 0.26130258, (float) 0.27577711};

  private static final Set<String> RESIZE_MODES = Set.of("shortest", "longest", "squash");

  public PreprocessConfig {
    if (imageSize <= 0) throw new IllegalArgumentException("image_size must be positive, got " + imageSize);
    if (mean == null || mean.length != 3) throw new IllegalArgumentException("mean must have 3 values (R, G, B)");
    if (std == null || std.length != 3) throw new IllegalArgumentException("std must have 3 values (R, G, B)");
    for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("std values must be positive, got " + s);
    mean = mean.clone();
    std = std.clone();
    interpolation = interpolation.toLowerCase(Locale.ROOT);
    if (!interpolation.equals("random")) PillowResize.Filter.parse(interpolation);
    if (!RESIZE_MODES.contains(resizeMode)) {
      throw new IllegalArgumentException("resize_mode must be shortest, longest or squash, got '" + resizeMode + "'");
    }
  }

  /** open_clip's defaults at this size: OpenAI mean/std, bicubic, shortest side. */
  public static PreprocessConfig openai(int imageSize) {
    return new PreprocessConfig(imageSize, OPENAI_MEAN, OPENAI_STD, "bicubic", "shortest");
  }

  public PreprocessConfig withImageSize(int size) {
    return new PreprocessConfig(size, mean, std, interpolation, resizeMode);
  }

  public PreprocessConfig withResizeMode(String mode) {
    return new PreprocessConfig(imageSize, mean, std, interpolation, mode);
  }

  /** The filter used at eval: open_clip maps "random" (a train-time choice) to bicubic. */
  public PillowResize.Filter filter() {
    return interpolation.equals("random") ? PillowResize.Filter.BICUBIC : PillowResize.Filter.parse(interpolation);
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /**
   * Reads a {@code preprocess_cfg} object from {@code open_clip_config.json}. Absent keys take open_clip's defaults; the
   * size comes from {@code size} if present, else from {@code defaultImageSize} (the vision tower's image_size).
   */
  public static PreprocessConfig fromJson(JsonNode cfg, int defaultImageSize) {
    Set<String> known = Set.of("size", "mode", "mean", "std", "interpolation", "resize_mode", "fill_color");
    for (Iterator<String> it = cfg.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) throw new IllegalArgumentException("preprocess_cfg: unknown key '" + key + "'; expected one of " + known);
    }
    if (cfg.has("mode") && !cfg.get("mode").asText().equals("RGB")) {
      throw new IllegalArgumentException("preprocess_cfg.mode must be RGB, got " + cfg.get("mode"));
    }
    if (cfg.has("fill_color") && cfg.get("fill_color").asInt() != 0) {
      throw new IllegalArgumentException("preprocess_cfg.fill_color other than 0 is not supported, got " + cfg.get("fill_color"));
    }
    int size = defaultImageSize;
    if (cfg.has("size")) {
      JsonNode s = cfg.get("size");
      if (s.isArray() && (s.size() != 2 || s.get(0).asInt() != s.get(1).asInt())) {
        throw new IllegalArgumentException("preprocess_cfg.size must be square, got " + s);
      }
      size = s.isArray() ? s.get(0).asInt() : s.asInt();
    }
    return new PreprocessConfig(size, floats(cfg, "mean", OPENAI_MEAN), floats(cfg, "std", OPENAI_STD),
        cfg.path("interpolation").asText("bicubic"), cfg.path("resize_mode").asText("shortest"));
  }

  /**
   * Packed 0xRRGGBB pixels [h·w] (row-major) → normalised CHW floats [3·h·w], as ToTensor + Normalize compute them in
   * float32: (u8 / 255 − mean) / std. The pixels must already have this model's size; resizing is the caller's.
   */
  public float[] normalize(int[] rgb) {
    if (rgb.length != imageSize * imageSize) {
      throw new IllegalArgumentException(rgb.length + " pixels given, the model takes " + imageSize + "×" + imageSize + " images");
    }
    float[] out = new float[3 * rgb.length];
    for (int c = 0; c < 3; c++) {
      int shift = 16 - 8 * c;
      for (int p = 0; p < rgb.length; p++) out[c * rgb.length + p] = (((rgb[p] >> shift) & 0xFF) / 255f - mean[c]) / std[c];
    }
    return out;
  }

  /** The {@code preprocess_cfg} object as open_clip writes it into a hub folder. */
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("size", imageSize);
    ArrayNode m = o.putArray("mean");
    for (float v : mean) m.add(Double.parseDouble(Float.toString(v)));   // 0.48145466, not 0.4814546597003937
    ArrayNode sd = o.putArray("std");
    for (float v : std) sd.add(Double.parseDouble(Float.toString(v)));
    return o.put("interpolation", interpolation).put("resize_mode", resizeMode);
  }

  private static float[] floats(JsonNode cfg, String key, float[] fallback) {
    JsonNode n = cfg.get(key);
    if (n == null || n.isNull()) return fallback;
    if (n.isNumber()) return new float[] {n.floatValue(), n.floatValue(), n.floatValue()}; // open_clip repeats a scalar
    if (!n.isArray() || n.size() != 3) throw new IllegalArgumentException("preprocess_cfg." + key + " must be 3 numbers, got " + n);
    return new float[] {(float) n.get(0).asDouble(), (float) n.get(1).asDouble(), (float) n.get(2).asDouble()};
  }
}
