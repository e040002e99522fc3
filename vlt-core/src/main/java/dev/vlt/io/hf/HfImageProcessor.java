package dev.vlt.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.PreprocessConfig;

/**
 * transformers' {@code CLIPImageProcessor} ({@code preprocessor_config.json}) ↔ vlt's {@link PreprocessConfig}. CLIP's
 * processor resizes the shortest side to {@code size.shortest_edge}, center-crops {@code crop_size}, scales by 1/255 and
 * normalises: open_clip's "shortest" mode when the two sizes agree, which is the only case mapped.
 */
public final class HfImageProcessor {
  /** PIL's resampling codes as transformers stores them. */
  private static final String[] RESAMPLE = {"nearest", null, "bilinear", "bicubic"};
  private static final double RESCALE = 1 / 255.0;

  private HfImageProcessor() {}

  public static PreprocessConfig read(JsonNode root, String where) {
    if (root == null || !root.isObject()) throw new IllegalArgumentException(where + " must hold a JSON object");
    for (String flag : new String[] {"do_resize", "do_center_crop", "do_normalize", "do_rescale"}) {
      if (root.has(flag) && !root.get(flag).asBoolean(true)) {
        throw new IllegalArgumentException(where + ": " + flag + " = false is not supported (vlt always resizes, crops and normalises)");
      }
    }
    if (root.has("rescale_factor") && Math.abs(root.get("rescale_factor").asDouble() - RESCALE) > 1e-12) {
      throw new IllegalArgumentException(where + ": rescale_factor must be 1/255, got " + root.get("rescale_factor"));
    }
    int crop = side(root.get("crop_size"), where, "crop_size", 224);
    int resize = side(root.get("size"), where, "size", 224);
    if (resize != crop) {
      throw new IllegalArgumentException(where + ": size " + resize + " differs from crop_size " + crop
          + "; vlt resizes the shortest side straight to the crop size (open_clip's shortest mode)");
    }
    int code = root.path("resample").asInt(3);
    if (code < 0 || code >= RESAMPLE.length || RESAMPLE[code] == null) {
      throw new IllegalArgumentException(where + ": resample " + code + " is not nearest (0), bilinear (2) or bicubic (3)");
    }
    return new PreprocessConfig(crop, floats(root, "image_mean", PreprocessConfig.OPENAI_MEAN, where),
        floats(root, "image_std", PreprocessConfig.OPENAI_STD, where), RESAMPLE[code], "shortest");
  }

  /** The processor config transformers' {@code CLIPImageProcessor.from_pretrained} reads. */
  public static ObjectNode write(PreprocessConfig p, ObjectMapper mapper) {
    if (!p.resizeMode().equals("shortest")) {
      throw new IllegalArgumentException("resize_mode " + p.resizeMode() + " has no CLIPImageProcessor equivalent (shortest only)");
    }
    int code = switch (p.filter()) {
      case NEAREST -> 0;
      case BILINEAR -> 2;
      case BICUBIC -> 3;
    };
    ObjectNode o = mapper.createObjectNode();
    o.putObject("crop_size").put("height", p.imageSize()).put("width", p.imageSize());
    o.put("do_center_crop", true).put("do_convert_rgb", true).put("do_normalize", true).put("do_rescale", true)
        .put("do_resize", true);
    ArrayNode mean = o.putArray("image_mean");
    for (float v : p.mean()) mean.add(Double.parseDouble(Float.toString(v)));
    ArrayNode std = o.putArray("image_std");
    for (float v : p.std()) std.add(Double.parseDouble(Float.toString(v)));
    o.put("image_processor_type", "CLIPImageProcessor").put("resample", code).put("rescale_factor", RESCALE);
    o.putObject("size").put("shortest_edge", p.imageSize());
    return o;
  }

  /** A side length stored as an int (old files), {"shortest_edge": n} or {"height": n, "width": n}. */
  private static int side(JsonNode n, String where, String key, int def) {
    if (n == null || n.isNull()) return def;
    if (n.isIntegralNumber()) return n.asInt();
    if (n.has("shortest_edge")) return n.get("shortest_edge").asInt();
    if (n.has("height") && n.has("width") && n.get("height").asInt() == n.get("width").asInt()) return n.get("height").asInt();
    throw new IllegalArgumentException(where + ": " + key + " must be a number, {shortest_edge} or a square {height, width}, got " + n);
  }

  private static float[] floats(JsonNode root, String key, float[] def, String where) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) return def;
    if (!n.isArray() || n.size() != 3) throw new IllegalArgumentException(where + ": " + key + " must be 3 numbers, got " + n);
    return new float[] {(float) n.get(0).asDouble(), (float) n.get(1).asDouble(), (float) n.get(2).asDouble()};
  }
}
