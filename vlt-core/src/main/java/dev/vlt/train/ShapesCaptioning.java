package dev.vlt.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.shapes.CaptionCheck;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.caption.CaptionModel;
import dev.vlt.models.caption.Decoding;
import dev.vlt.models.caption.Generator;
import dev.vlt.tokenize.Tokenizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captioning during training on ShapesWorld: greedy captions of the first {@code images} scenes of val (colour×shape
 * combinations seen in training) and test (only held-out combinations), counted correct when they name exactly the
 * scene's objects ({@link CaptionCheck}).
 */
public final class ShapesCaptioning implements Evaluator {
  private final CaptionModel model;
  private final Tokenizer tokenizer;
  private final PreprocessConfig preprocess;
  private final ShapesWorld world;
  private final int images;

  public ShapesCaptioning(CaptionModel model, Tokenizer tokenizer, PreprocessConfig preprocess, ShapesWorldConfig worldConfig,
      int images) {
    if (images < 1) throw new IllegalArgumentException("captioning evaluation needs at least one image, got " + images);
    this.model = model;
    this.tokenizer = tokenizer;
    this.preprocess = preprocess;
    this.world = new ShapesWorld(worldConfig.withImageSize(preprocess.imageSize()));
    this.images = images;
  }

  @Override
  public Map<String, Double> evaluate() {
    Generator gen = Generator.of(model, tokenizer, model.maxDecodeLength());
    Map<String, Double> out = new LinkedHashMap<>();
    for (Split split : List.of(Split.VAL, Split.TEST)) {
      List<ShapesSample> samples = world.samples(split, 0, images).toList();
      int s = preprocess.imageSize();
      float[] px = new float[images * 3 * s * s];
      for (int i = 0; i < images; i++) System.arraycopy(preprocess.normalize(samples.get(i).pixels()), 0, px, i * 3 * s * s, 3 * s * s);
      List<String> captions;
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
        captions = gen.captions(m.create(px, new Shape(images, 3, s, s)), Decoding.greedy(), tokenizer);
      }
      int correct = 0;
      for (int i = 0; i < images; i++) if (CaptionCheck.describes(captions.get(i), samples.get(i).scene())) correct++;
      out.put(split.word() + "_caption_correct", (double) correct / images);
    }
    return out;
  }
}
