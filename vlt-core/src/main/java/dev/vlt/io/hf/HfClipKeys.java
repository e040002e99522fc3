package dev.vlt.io.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.tensor.CheckpointMismatchException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The swap table between transformers' {@code CLIPModel} state dict and open_clip's (vlt's) names, as transformers'
 * {@code convert_clip_original_pytorch_to_hf.py} lays it out. Every rule is one line below; the tests check it against
 * the mapping recorded with the {@code hf_clip_layout} fixture. Moving between the layouts only copies, transposes,
 * concatenates or slices, so a round trip is bit-exact.
 */
public final class HfClipKeys {
  /** How one open_clip tensor is made from transformers' tensors. */
  public enum Transform {
    /** the same tensor */
    COPY,
    /** open_clip stores the projection [in, out] and multiplies x @ W; transformers has a Linear, weight [out, in] */
    TRANSPOSE,
    /** open_clip's fused in-projection is the row-wise concatenation of transformers' q, k and v projections */
    FUSE_QKV
  }

  /** One open_clip tensor and the transformers tensor(s) it is made of. */
  public record Entry(String openClip, List<String> hf, Transform transform) {}

  /** Non-persistent buffers that older transformers versions still saved: not parameters, skipped on import. */
  public static final Set<String> IGNORED = Set.of(
      "text_model.embeddings.position_ids", "vision_model.embeddings.position_ids");

  private HfClipKeys() {}

  /** The full table for a model with these tower depths, in open_clip's parameter order. */
  public static List<Entry> table(int visionLayers, int textLayers) {
    List<Entry> t = new ArrayList<>();
    copy(t, "visual.class_embedding", "vision_model.embeddings.class_embedding");
    copy(t, "visual.positional_embedding", "vision_model.embeddings.position_embedding.weight");
    t.add(new Entry("visual.proj", List.of("visual_projection.weight"), Transform.TRANSPOSE));
    copy(t, "visual.conv1.weight", "vision_model.embeddings.patch_embedding.weight");   // no bias in either
    norm(t, "visual.ln_pre", "vision_model.pre_layrnorm");                                // sic: transformers' spelling
    for (int i = 0; i < visionLayers; i++) {
      block(t, "visual.transformer.resblocks." + i, "vision_model.encoder.layers." + i);
    }
    norm(t, "visual.ln_post", "vision_model.post_layernorm");
    copy(t, "positional_embedding", "text_model.embeddings.position_embedding.weight");
    t.add(new Entry("text_projection", List.of("text_projection.weight"), Transform.TRANSPOSE));
    copy(t, "token_embedding.weight", "text_model.embeddings.token_embedding.weight");
    for (int i = 0; i < textLayers; i++) block(t, "transformer.resblocks." + i, "text_model.encoder.layers." + i);
    norm(t, "ln_final", "text_model.final_layer_norm");
    copy(t, "logit_scale", "logit_scale");                                              // 0-d, log of the scale
    return t;
  }

  private static void block(List<Entry> t, String oc, String hf) {
    norm(t, oc + ".ln_1", hf + ".layer_norm1");
    for (String p : List.of("weight", "bias")) {
      String name = p.equals("weight") ? "in_proj_weight" : "in_proj_bias";
      t.add(new Entry(oc + ".attn." + name, List.of(
          hf + ".self_attn.q_proj." + p, hf + ".self_attn.k_proj." + p, hf + ".self_attn.v_proj." + p), Transform.FUSE_QKV));
    }
    norm(t, oc + ".attn.out_proj", hf + ".self_attn.out_proj");
    norm(t, oc + ".ln_2", hf + ".layer_norm2");
    norm(t, oc + ".mlp.c_fc", hf + ".mlp.fc1");
    norm(t, oc + ".mlp.c_proj", hf + ".mlp.fc2");
  }

  /** A module with weight and bias under both names (LayerNorms and Linears). */
  private static void norm(List<Entry> t, String oc, String hf) {
    copy(t, oc + ".weight", hf + ".weight");
    copy(t, oc + ".bias", hf + ".bias");
  }

  private static void copy(List<Entry> t, String oc, String hf) {
    t.add(new Entry(oc, List.of(hf), Transform.COPY));
  }

  /**
   * transformers' tensors → open_clip's names. Strict: every table key must be present and nothing else but the
   * {@link #IGNORED} buffers; all problems are reported together, under transformers' names. New arrays (transposes,
   * fused projections) are attached to the first input's manager.
   */
  public static Map<String, NDArray> toOpenClip(Map<String, NDArray> hf, int visionLayers, int textLayers) {
    List<Entry> table = table(visionLayers, textLayers);
    List<String> missing = new ArrayList<>();
    Set<String> unexpected = new LinkedHashSet<>(hf.keySet());
    unexpected.removeAll(IGNORED);
    for (Entry e : table) {
      for (String k : e.hf()) if (!unexpected.remove(k)) missing.add(k);
    }
    if (!missing.isEmpty() || !unexpected.isEmpty()) {
      throw new CheckpointMismatchException(missing, new ArrayList<>(unexpected), List.of());
    }
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (Entry e : table) {
      NDArray first = hf.get(e.hf().get(0));
      out.put(e.openClip(), switch (e.transform()) {
        case COPY -> first;
        case TRANSPOSE -> requireMatrix(e.hf().get(0), first).transpose();
        case FUSE_QKV -> NDArrays.concat(new NDList(first, hf.get(e.hf().get(1)), hf.get(e.hf().get(2))), 0);
      });
    }
    return out;
  }

  /** open_clip's tensors → transformers' names, the exact inverse of {@link #toOpenClip}. */
  public static Map<String, NDArray> toHf(Map<String, NDArray> openClip, int visionLayers, int textLayers) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (Entry e : table(visionLayers, textLayers)) {
      NDArray v = openClip.get(e.openClip());
      if (v == null) {
        missing.add(e.openClip());
        continue;
      }
      switch (e.transform()) {
        case COPY -> out.put(e.hf().get(0), v);
        case TRANSPOSE -> out.put(e.hf().get(0), requireMatrix(e.openClip(), v).transpose());
        case FUSE_QKV -> {
          long w = v.getShape().get(0) / 3;   // rows [0,W) are q, [W,2W) k, [2W,3W) v
          for (int j = 0; j < 3; j++) out.put(e.hf().get(j), v.get(new NDIndex("{}:{}", j * w, (j + 1) * w)));
        }
      }
    }
    if (!missing.isEmpty()) throw new CheckpointMismatchException(missing, List.of(), List.of());
    return out;
  }

  private static NDArray requireMatrix(String name, NDArray v) {
    if (v.getShape().dimension() != 2) {
      throw new IllegalArgumentException(name + " must be a matrix to transpose, got shape " + v.getShape());
    }
    return v;
  }
}
