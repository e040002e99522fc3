package dev.vlt.models.msclip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.msclip.Sharing.SubLayer;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.PatchEmbed;
import dev.vlt.nn.PatchTokens;
import dev.vlt.nn.pool.Pooling;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The image side of MS-CLIP, under {@code visual.} with CLIP's ViT names: its own stem (patch embedding, or the conv stem
 * of early specialization), class and position embeddings, {@code ln_pre}, its own parts of each block, {@code ln_post},
 * pooling and projection, plus the optional parallel branch. The shared block parts belong to {@link MsClip}.
 */
final class VisionEncoder extends Module {
  private final MsClipConfig cfg;
  private final PatchEmbed conv1;
  private final ConvStem stem;
  private final PatchTokens tokens;
  private final LayerNorm lnPre;
  private final List<Block> blocks = new ArrayList<>();
  private final LayerNorm lnPost;
  private final Parameter proj;
  private final ParallelBranch branch;
  private final Pooling pool;

  VisionEncoder(MsClipConfig c, BlockStack shared) {
    this.cfg = c;
    int w = c.width();
    double scale = Math.pow(w, -0.5);
    conv1 = c.earlySpecialization() ? null : child("conv1", new PatchEmbed(3, w, c.patchSize()));
    stem = c.earlySpecialization() ? inline(new ConvStem(w, c.patchSize())) : null;
    tokens = inline(new PatchTokens(w, c.grid()));
    lnPre = child("ln_pre", new LayerNorm(w));
    // with early specialization the conv stem stands in for block 0, so the image side owns no part of it
    BlockStack own = child("transformer", new BlockStack(c, i -> i < c.firstVisionLayer()
        ? EnumSet.noneOf(SubLayer.class) : BlockStack.own(c.sharing(), i)));
    for (int i = c.firstVisionLayer(); i < c.layers(); i++) blocks.add(Block.assemble(i, own.get(i), shared.get(i)));
    lnPost = child("ln_post", new LayerNorm(w));
    proj = param("proj", Init.normal(scale), w, c.embedDim());                        // stored [in, out]: x @ proj
    branch = c.parallelLayers().isEmpty() ? null
        : child("branch", new ParallelBranch(w, c.patchSize(), c.parallelLayers().size()));
    pool = Pooling.create(c.pool(), w, c.heads());
    child("pool", pool.asModule());
  }

  /** images [B, 3, S, S] → image features [B, E] (not normalised). */
  NDArray forward(NDArray images, Trace trace) {
    NDArray pooled = pool.forward(forwardTokens(images, trace));
    trace.put("vision.pooled", pooled);
    return pooled.matMul(proj.value());
  }

  /** All tokens after ln_post: [B, 1 + g², W]; token 0 is the class token. */
  NDArray forwardTokens(NDArray images, Trace trace) {
    NDArray x = stem != null ? stem.forward(images) : conv1.forward(images);         // [B, W, g, g]
    trace.put("vision.conv1_out", x);
    x = tokens.forward(x);                                                            // [B, 1+g², W]
    trace.put("vision.embed_out", x);
    x = lnPre.forward(x);
    trace.put("vision.ln_pre_out", x);
    NDArray features = images;
    int stage = 0;
    for (Block block : blocks) {
      if (stage < cfg.parallelLayers().size() && block.layer() == cfg.parallelLayers().get(stage)) {
        features = branch.stage(stage, features);
        x = addToPatches(x, branch.lateral(stage, features));
        stage++;
      }
      x = block.forward(x, null, "vision", trace);
    }
    x = lnPost.forward(x);
    trace.put("vision.ln_post_out", x);
    return x;
  }

  /** x [B, 1 + g², W] with {@code add} [B, g², W] added to the patch tokens; the class token is left as it is. */
  private static NDArray addToPatches(NDArray x, NDArray add) {
    NDArray cls = x.get(new NDIndex(":, :1"));
    return NDArrays.concat(new NDList(cls, x.get(new NDIndex(":, 1:")).add(add)), 1);
  }

  List<Block> blocks() {
    return blocks;
  }
}
