package dev.vlt.train;

import dev.vlt.data.shapes.Combo;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.eval.ZeroShot;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.ContrastiveModel;
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
  private final ModelInputs inputs;
  private final ShapesWorld world;
  private final int images;
  private final Map<Split, List<Raster8>> rendered = new LinkedHashMap<>();
  private final Map<Split, int[]> labels = new LinkedHashMap<>();

  /** @param worldConfig the training world's config; evaluation renders {@code images} one-object images per split */
  public ShapesZeroShot(ContrastiveModel model, Tokenizer tokenizer, PreprocessConfig preprocess, ShapesWorldConfig worldConfig,
      int images) {
    if (images < 1) throw new IllegalArgumentException("zero-shot evaluation needs at least one image, got " + images);
    this.model = model;
    this.inputs = new ModelInputs(new EvalTransform(preprocess), tokenizer, CHUNK);  // rendered at the model's size: no resize
    this.world = new ShapesWorld(worldConfig.withObjects(1, 1).withImageSize(preprocess.imageSize()));
    this.images = images;
  }

  @Override
  public Map<String, Double> evaluate() {
    List<String> names = ShapesWorld.classNames();
    float[][] classes = inputs.embedTexts(model, ShapesWorld.classPrompts());
    float[][] val = inputs.embedImages(model, render(Split.VAL));
    float[][] test = inputs.embedImages(model, render(Split.TEST));
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

  /** The split's images, rendered once and kept. */
  private List<Raster8> render(Split split) {
    return rendered.computeIfAbsent(split, k -> {
      List<Raster8> out = new ArrayList<>(images);
      int[] y = new int[images];
      for (int i = 0; i < images; i++) {
        ShapesSample sample = world.sample(k, i);
        out.add(new Raster8(sample.imageSize(), sample.imageSize(), 3, sample.rgbBytes()));
        y[i] = sample.label();
      }
      labels.put(k, y);
      return out;
    });
  }
}
