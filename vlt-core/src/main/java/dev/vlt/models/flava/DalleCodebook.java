package dev.vlt.models.flava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * DALL-E's dVAE encoder as FLAVA's visual tokenizer (torchmultimodal's {@code DalleVAEEncoder}, whose {@code encoder} is
 * {@code DalleEncoder}): images → logits over the codebook per 2^(groups−1)-pixel cell, and their argmax as
 * masked-image-modeling targets. Keys {@code encoder.blocks.{input, group_G.block_B.{id_path, res_path.conv_K}, output.conv}},
 * each convolution's parameters named {@code w} and {@code b} (DALL-E's own names); stride 1, padding (k − 1)/2.
 */
final class DalleCodebook extends Module {
  private final Conv input;
  private final List<Group> groups = new ArrayList<>();
  private final Conv output;

  DalleCodebook(FlavaConfig.CodebookConfig cfg) {
    Blocks blocks = child("encoder", new Nest<>("blocks", new Blocks())).inner;
    int h = cfg.hidden();
    input = blocks.add("input", new Conv(cfg.inputChannels(), h, 7));
    int nLayers = cfg.groupCount() * cfg.blocksPerGroup();
    int in = h;
    for (int g = 1; g <= cfg.groupCount(); g++) {
      int out = h << (g - 1);
      groups.add(blocks.add("group_" + g, new Group(in, out, cfg.blocksPerGroup(), nLayers, g < cfg.groupCount())));
      in = out;
    }
    output = blocks.add("output", new Nest<>("conv", new Conv(in, cfg.vocabSize(), 1))).inner;
  }

  /** images [B, C, S, S] (DALL-E's mapped pixels) → logits [B, vocab, S/2^(G−1), S/2^(G−1)]. */
  NDArray logits(NDArray images) {
    NDArray x = input.forward(images);
    for (Group g : groups) x = g.forward(x);
    return output.forward(x.getNDArrayInternal().relu());
  }

  /** images → target ids [B, cells] (int64), the argmax over the codebook, cells row-major. */
  NDArray labels(NDArray images) {
    NDArray l = logits(images);
    long b = l.getShape().get(0);
    return l.argMax(1).reshape(b, -1).toType(DataType.INT64, false);
  }

  /** A module whose children are added by name from outside, in order (the reference's nn.Sequential of named parts). */
  private static final class Blocks extends Module {
    <M extends Module> M add(String name, M m) {
      return child(name, m);
    }
  }

  private static final class Group extends Module {
    private final List<Block> blocks = new ArrayList<>();
    private final boolean pool;

    Group(int in, int out, int count, int nLayers, boolean pool) {
      Blocks named = inline(new Blocks());
      for (int i = 1; i <= count; i++) blocks.add(named.add("block_" + i, new Block(i == 1 ? in : out, out, nLayers)));
      this.pool = pool;
    }

    NDArray forward(NDArray x) {
      for (Block b : blocks) x = b.forward(x);
      return pool ? x.getNDArrayInternal().maxPool(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false) : x;
    }
  }

  /** id_path(x) + (1 / n_layers²)·res_path(x), res_path = 4 × (ReLU, conv) with widths out/4, out/4, out/4, out. */
  private static final class Block extends Module {
    private final Conv idPath;
    private final Conv[] res = new Conv[4];
    private final double postGain;

    Block(int in, int out, int nLayers) {
      int hid = out / 4;
      idPath = in != out ? child("id_path", new Conv(in, out, 1)) : null;
      Blocks resPath = child("res_path", new Blocks());
      res[0] = resPath.add("conv_1", new Conv(in, hid, 3));
      res[1] = resPath.add("conv_2", new Conv(hid, hid, 3));
      res[2] = resPath.add("conv_3", new Conv(hid, hid, 3));
      res[3] = resPath.add("conv_4", new Conv(hid, out, 1));
      postGain = 1.0 / ((double) nLayers * nLayers);
    }

    NDArray forward(NDArray x) {
      NDArray r = x;
      for (Conv c : res) r = c.forward(r.getNDArrayInternal().relu());
      NDArray id = idPath == null ? x : idPath.forward(x);
      return id.add(r.mul(postGain));
    }
  }

  /** DALL-E's Conv2d: parameters {@code w} [out, in, k, k] and {@code b} [out], stride 1, padding (k − 1)/2. */
  private static final class Conv extends Module {
    private final Parameter w;
    private final Parameter b;
    private final int kernel;

    Conv(int in, int out, int kernel) {
      w = param("w", new Init.FanInUniform(), out, in, kernel, kernel);
      b = param("b", Init.ZEROS, out);
      this.kernel = kernel;
    }

    NDArray forward(NDArray x) {
      int p = (kernel - 1) / 2;
      return x.getNDArrayInternal().convolution(x, w.value(), b.value(), new Shape(1, 1), new Shape(p, p), new Shape(1, 1), 1)
          .singletonOrThrow();
    }
  }
}
