package dev.vlt.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.ImageGeometry;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
import dev.vlt.models.Capability;
import dev.vlt.models.GroundingModel;
import dev.vlt.models.LoadedModel;
import dev.vlt.tensor.Boxes;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Grounding for applications: (image, expression) pairs → the box in the ORIGINAL image's pixels, for any model with the
 * grounding capability. Images go through the model's eval preprocessing, except that a "shortest" (center-crop) resize
 * becomes "longest" (fit and pad), so no part of the image is cut away; the regressed box is then mapped back through
 * that exact geometry ({@link ImageGeometry}).
 */
public final class Grounder {
  /** One answer: corners (x0, y0, x1, y1) in original pixels, and the model's confidence or null when it has none. */
  public record Answer(float[] box, Double score) {}

  private final GroundingModel model;
  private final Tokenizer tokenizer;
  private final PreprocessConfig preprocess;
  private final ModelInputs inputs;

  public Grounder(LoadedModel lm, int batchSize) {
    this.model = lm.require(Capability.GROUNDING);
    this.tokenizer = lm.tokenizer();
    if (tokenizer.padId() != model.padId()) {
      throw new IllegalArgumentException(lm.describe() + ": the tokenizer pads with id " + tokenizer.padId() + " but the model masks id "
          + model.padId() + "; use the model's own tokenizer");
    }
    PreprocessConfig pre = lm.preprocess();
    this.preprocess = pre.resizeMode().equals("shortest") ? pre.withResizeMode("longest") : pre;
    this.inputs = new ModelInputs(new EvalTransform(preprocess), tokenizer, batchSize);
  }

  public PreprocessConfig preprocess() {
    return preprocess;
  }

  /** images[i] grounded with texts[i], in order. */
  public List<Answer> ground(List<Raster8> images, List<String> texts) {
    if (images.size() != texts.size()) throw new IllegalArgumentException(images.size() + " images for " + texts.size() + " texts");
    List<Answer> out = new ArrayList<>(images.size());
    int s = preprocess.imageSize();
    for (int from = 0; from < images.size(); from += inputs.batchSize()) {
      int to = Math.min(images.size(), from + inputs.batchSize());
      List<Raster8> chunk = images.subList(from, to);
      float[] boxes;
      float[] scores = null;
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        GroundingModel.GroundingOutput o = model.ground(inputs.pixels(m, chunk), inputs.ids(m, texts.subList(from, to)));
        boxes = o.boxes().toType(DataType.FLOAT32, false).toFloatArray();
        if (o.scores() != null) scores = o.scores().toType(DataType.FLOAT32, false).toFloatArray();
      }
      for (int i = 0; i < chunk.size(); i++) {
        float[] cxcywh = {boxes[4 * i] * s, boxes[4 * i + 1] * s, boxes[4 * i + 2] * s, boxes[4 * i + 3] * s};
        ImageGeometry g = ImageGeometry.of(chunk.get(i).width(), chunk.get(i).height(), preprocess);
        out.add(new Answer(g.toOriginal(Boxes.toXyxy(cxcywh)), scores == null ? null : (double) scores[i]));
      }
    }
    return out;
  }
}
