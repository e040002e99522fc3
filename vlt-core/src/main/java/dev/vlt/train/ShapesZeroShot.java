package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.shapes.Combo;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.eval.ZeroShot;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zero-shot colour×shape classification of one-object ShapesWorld images, CLIP style: each class is the text embedding
 * of its prompt ("a picture of a red circle"), an image's class the most similar one. {@code val} images show combos seen
 * in training; {@code test} images only the held-out combos, so test accuracy measures composition. Accuracy is over all
 * 42 classes ({@code *_top1}, chance 1/42); for test also among the held-out classes alone ({@code test_top1_heldout}).
 */
public final class ShapesZeroShot implements Evaluator {
  private static final int CHUNK = 128;

  private final ContrastiveModel model;
  private final Tokenizer tokenizer;
  private final PreprocessConfig preprocess;
  private final ShapesWorld world;
  private final int images;
  private final Map<Split, float[]> pixels = new LinkedHashMap<>();
  private final Map<Split, int[]> labels = new LinkedHashMap<>();

  /** @param worldConfig the training world's config; evaluation renders {@code images} one-object images per split */
  public ShapesZeroShot(ContrastiveModel model, Tokenizer tokenizer, PreprocessConfig preprocess, ShapesWorldConfig worldConfig,
      int images) {
    if (images < 1) throw new IllegalArgumentException("zero-shot evaluation needs at least one image, got " + images);
    this.model = model;
    this.tokenizer = tokenizer;
    this.preprocess = preprocess;
    this.world = new ShapesWorld(worldConfig.withObjects(1, 1).withImageSize(preprocess.imageSize()));
    this.images = images;
  }

  @Override
  public Map<String, Double> evaluate() {
    List<String> names = ShapesWorld.classNames();
    float[][] classes = embedTexts(ShapesWorld.classPrompts());
    float[][] val = embedImages(Split.VAL);
    float[][] test = embedImages(Split.TEST);
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("val_top1", top1(val, classes, labels.get(Split.VAL), names));
    out.put("test_top1", top1(test, classes, labels.get(Split.TEST), names));
    out.put("test_top1_heldout", heldOutAccuracy(test, classes));
    out.put("chance", 1.0 / names.size());
    out.put("chance_heldout", 1.0 / world.combos(Split.TEST).size());
    return out;
  }

  /** Test accuracy when only the held-out classes are candidates. */
  private double heldOutAccuracy(float[][] test, float[][] all) {
    List<Combo> held = world.combos(Split.TEST);
    float[][] classes = new float[held.size()][];
    Map<Integer, Integer> remap = new LinkedHashMap<>();
    for (int c = 0; c < held.size(); c++) {
      classes[c] = all[held.get(c).label()];
      remap.put(held.get(c).label(), c);
    }
    int[] y = labels.get(Split.TEST).clone();
    for (int i = 0; i < y.length; i++) y[i] = remap.get(y[i]);
    return top1(test, classes, y, held.stream().map(Combo::name).toList());
  }

  private static double top1(float[][] images, float[][] classes, int[] y, List<String> names) {
    return ZeroShot.evaluate(images, classes, y, names, ZeroShot.CLIP_LOGIT_SCALE).metrics().top1();
  }

  private float[][] embedTexts(List<String> prompts) {
    long[][] ids = tokenizer.tokenize(prompts);
    long[] flat = new long[ids.length * ids[0].length];
    for (int i = 0; i < ids.length; i++) System.arraycopy(ids[i], 0, flat, i * ids[0].length, ids[0].length);
    try (NDScope scope = new NDScope(); NoGrad ignored = NoGrad.open(); NDManager m = NDManager.newBaseManager()) {
      NDArray t = m.create(flat, new Shape(ids.length, ids[0].length)).toType(DataType.INT64, false);
      return rows(model.encodeText(t, true), ids.length);
    }
  }

  private float[][] embedImages(Split split) {
    int s = preprocess.imageSize();
    int plane = 3 * s * s;
    float[] px = pixels.computeIfAbsent(split, k -> render(k, plane));
    float[][] out = new float[images][];
    for (int from = 0; from < images; from += CHUNK) {
      int n = Math.min(CHUNK, images - from);
      float[] chunk = java.util.Arrays.copyOfRange(px, from * plane, (from + n) * plane);
      try (NDScope scope = new NDScope(); NoGrad ignored = NoGrad.open(); NDManager m = NDManager.newBaseManager()) {
        float[][] f = rows(model.encodeImage(m.create(chunk, new Shape(n, 3, s, s)), true), n);
        System.arraycopy(f, 0, out, from, n);
      }
    }
    return out;
  }

  /** The split's images, rendered once and kept: [images, 3, S, S] normalised. */
  private float[] render(Split split, int plane) {
    float[] px = new float[images * plane];
    int[] y = new int[images];
    for (int i = 0; i < images; i++) {
      ShapesSample sample = world.sample(split, i);
      float[] one = preprocess.normalize(sample.pixels());  // rendered at the model's size: resize and crop are no-ops
      System.arraycopy(one, 0, px, i * plane, plane);
      y[i] = sample.label();
    }
    labels.put(split, y);
    return px;
  }

  private static float[][] rows(NDArray features, int n) {
    float[] flat = features.toFloatArray();
    int d = flat.length / n;
    List<float[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d));
    return out.toArray(new float[0][]);
  }
}
