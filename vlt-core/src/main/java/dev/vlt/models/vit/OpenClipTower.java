package dev.vlt.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.clip.VisionConfig;
import dev.vlt.models.clip.VisionTransformer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's image tower (open_clip's {@code VisionTransformer}) as a timm-layout {@link Vit}: the same trunk under timm's
 * names, for models that fine-tune a copy of a CLIP's image encoder (INDIGO's trainable ViT starts from it, as the paper's
 * starts from a pretrained ViT). The projection {@code proj} and any pooler stay behind; the copy ends at {@code norm}
 * (open_clip's {@code ln_post}).
 *
 * <pre>
 * conv1.weight                               patch_embed.proj.weight (patch_embed.proj.bias = 0: CLIP's has none)
 * class_embedding [W]                        cls_token [1, 1, W]
 * positional_embedding [N, W]                pos_embed [1, N, W]
 * ln_pre                                     norm_pre
 * transformer.resblocks.i.ln_1 / ln_2        blocks.i.norm1 / norm2
 * transformer.resblocks.i.attn.in_proj_*     blocks.i.attn.qkv.*
 * transformer.resblocks.i.attn.out_proj.*    blocks.i.attn.proj.*
 * transformer.resblocks.i.mlp.c_fc / c_proj  blocks.i.mlp.fc1 / fc2
 * ln_post                                    norm
 * </pre>
 *
 * LayerNorms keep timm's ε (1e-6 against open_clip's 1e-5), so the copy's outputs differ from the tower's in the last
 * digits: a starting point for fine-tuning, not an exported CLIP.
 */
public final class OpenClipTower {
  private static final Pattern BLOCK = Pattern.compile("transformer\\.resblocks\\.(\\d+)\\.(.+)");
  private static final Map<String, String> IN_BLOCK = Map.of(
      "ln_1.weight", "norm1.weight", "ln_1.bias", "norm1.bias", "ln_2.weight", "norm2.weight", "ln_2.bias", "norm2.bias",
      "attn.in_proj_weight", "attn.qkv.weight", "attn.in_proj_bias", "attn.qkv.bias",
      "attn.out_proj.weight", "attn.proj.weight", "attn.out_proj.bias", "attn.proj.bias");
  private static final Map<String, String> MLP = Map.of(
      "mlp.c_fc.weight", "mlp.fc1.weight", "mlp.c_fc.bias", "mlp.fc1.bias", "mlp.c_proj.weight", "mlp.fc2.weight",
      "mlp.c_proj.bias", "mlp.fc2.bias");

  private OpenClipTower() {}

  /** The timm config whose trunk holds {@code v}'s weights: same shape, {@code pre_norm}, class-token pooling, no head. */
  public static VitConfig vitConfig(VisionConfig v) {
    return VitConfig.of(v.imageSize(), v.patchSize(), v.width(), v.layers(), v.heads(), 0).withPreNorm(true)
        .withMlpRatio(v.mlpRatio());
  }

  /**
   * Loads {@code tower}'s trunk into {@code vit} (copies in {@code manager}; the tower keeps its arrays), strictly: the Vit
   * must have {@link #vitConfig}'s shape, and every one of its keys must be filled.
   */
  public static void copy(VisionTransformer tower, Vit vit, NDManager manager) {
    if (!vit.config().preNorm()) throw new IllegalArgumentException("the ViT needs pre_norm to hold a CLIP tower (its ln_pre)");
    Map<String, NDArray> state = new LinkedHashMap<>();
    int w = tower.config().width();
    try (NDManager scratch = manager.newSubManager()) {
      tower.stateDict().forEach((key, value) -> {
        String name = timmName(key);
        if (name == null) return;
        Shape shape = switch (name) {
          case "cls_token" -> new Shape(1, 1, w);
          case "pos_embed" -> new Shape(1).addAll(value.getShape());
          default -> value.getShape();
        };
        if (shape.equals(value.getShape())) {
          state.put(name, value);
        } else {
          NDArray v = value.reshape(shape);                                  // a view, owned by the scratch manager
          v.attach(scratch);
          state.put(name, v);
        }
      });
      state.put("patch_embed.proj.bias", scratch.zeros(new Shape(w)));
      vit.load(manager, state);                                                // copies every value into manager
    }
  }

  /** open_clip's key → timm's, or null for what the trunk does not hold (the projection and any pooler). */
  static String timmName(String key) {
    switch (key) {
      case "conv1.weight": return "patch_embed.proj.weight";
      case "class_embedding": return "cls_token";
      case "positional_embedding": return "pos_embed";
      case "ln_pre.weight": return "norm_pre.weight";
      case "ln_pre.bias": return "norm_pre.bias";
      case "ln_post.weight": return "norm.weight";
      case "ln_post.bias": return "norm.bias";
      default: break;
    }
    Matcher m = BLOCK.matcher(key);
    if (m.matches()) {
      String rest = IN_BLOCK.getOrDefault(m.group(2), MLP.get(m.group(2)));
      if (rest == null) throw new IllegalArgumentException("a CLIP tower key with no timm counterpart: " + key);
      return "blocks." + m.group(1) + "." + rest;
    }
    return null;
  }
}
