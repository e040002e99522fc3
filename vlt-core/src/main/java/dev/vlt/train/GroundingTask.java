package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.Batch;
import dev.vlt.data.Box;
import dev.vlt.data.Phrase;
import dev.vlt.data.Sample;
import dev.vlt.data.image.ImageGeometry;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.GroundingModel;
import dev.vlt.objectives.BoxLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Boxes;
import dev.vlt.tensor.Module;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Grounding as TransVG trains it: each image with one of its referring expressions (drawn per sample from the run's seed
 * and the sample's id, so a resumed run draws the same), the referred box normalised to the model's input frame as
 * (cx, cy, w, h), and the L1 + GIoU box loss ({@link BoxLoss}). Samples are independent, so accumulation is plain.
 * Boxes follow the loader's eval transform exactly ({@link ImageGeometry}), which the trainer uses for this task whatever
 * {@code crop_scale} says ({@link #needsWholeImages}).
 */
public final class GroundingTask implements Task<GroundingTask.Pairs, GroundingTask.Outputs> {
  /** images [B, 3, S, S], expression ids [B, L], target boxes [B, 4] normalised (cx, cy, w, h). */
  public record Pairs(NDArray images, NDArray ids, NDArray targets) {}

  /** Predicted and target boxes of one micro-batch, [B, 4] each. */
  public record Outputs(NDArray boxes, NDArray targets) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(StepOutput.rows(parts, Outputs::boxes), StepOutput.rows(parts, Outputs::targets));
    }

    @Override
    public Map<String, NDArray> scalars() {
      return Map.of();
    }
  }

  private final Module module;
  private final GroundingModel model;
  private final Tokenizer tokenizer;
  private final PreprocessConfig preprocess;
  private final BoxLoss loss;
  private final long seed;
  private final ModelWriter writer;

  public GroundingTask(Module module, Tokenizer tokenizer, PreprocessConfig preprocess, BoxLoss loss, long seed, ModelWriter writer) {
    if (!(module instanceof GroundingModel g)) throw new IllegalArgumentException(module.getClass().getSimpleName() + " cannot ground");
    this.module = module;
    this.model = g;
    this.tokenizer = tokenizer;
    this.preprocess = preprocess;
    this.loss = loss;
    this.seed = seed;
    this.writer = writer;
  }

  static GroundingTask of(Tasks.Context c) {
    return new GroundingTask(c.model().module(), c.textTokenizer(), c.model().preprocess(), BoxLoss.defaults(), c.config().seed(),
        c.writer());
  }

  @Override
  public Module module() {
    return module;
  }

  @Override
  public Pairs collate(Batch batch, NDManager manager) {
    List<String> texts = new ArrayList<>();
    List<float[]> targets = new ArrayList<>();
    List<Long> rows = new ArrayList<>();
    int s = preprocess.imageSize();
    for (int i = 0; i < batch.size(); i++) {
      Sample sample = batch.samples().get(i);
      List<Phrase> phrases = sample.phrases();
      if (phrases.isEmpty()) continue;
      Phrase e = phrases.get(new SplittableRandom(SplitMix.mix(seed, sample.id().hashCode())).nextInt(phrases.size()));
      Box b = sample.boxes().get(e.box());
      int[] size = imageSize(sample);
      float[] box = ImageGeometry.of(size[0], size[1], preprocess).toInput(new float[] {b.x0(), b.y0(), b.x1(), b.y1()});
      float[] c = Boxes.toCxcywh(box);
      targets.add(new float[] {c[0] / s, c[1] / s, c[2] / s, c[3] / s});
      texts.add(e.text());
      rows.add((long) i);
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no sample of this batch has a referring expression with a box; grounding needs data with "
          + "phrases and boxes (--data shapes, --data emoji-scenes)");
    }
    float[] flat = new float[4 * targets.size()];
    for (int i = 0; i < targets.size(); i++) System.arraycopy(targets.get(i), 0, flat, 4 * i, 4);
    NDArray images = batch.images();
    if (rows.size() < batch.size()) images = images.get(manager.create(rows.stream().mapToLong(Long::longValue).toArray()));
    return new Pairs(images, manager.create(tokenizer.tokenize(texts)), manager.create(flat, new Shape(targets.size(), 4)));
  }


  /** The sample's image width and height: from its masks when it has them, else by decoding it. */
  static int[] imageSize(Sample s) {
    if (!s.masks().isEmpty()) return new int[] {s.masks().get(0).width(), s.masks().get(0).height()};
    try {
      var r = s.image().load();
      return new int[] {r.width(), r.height()};
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(s.location() + ": cannot read the image again for its size", e);
    }
  }

  @Override
  public Outputs forward(Pairs batch) {
    return new Outputs(model.ground(batch.images(), batch.ids()).boxes(), batch.targets());
  }

  @Override
  public LossTerms loss(Outputs o) {
    return loss.compute(o.boxes(), o.targets());
  }

  @Override
  public boolean couplesBatch() {
    return false;
  }

  @Override
  public boolean needsWholeImages() {
    return true;
  }

  @Override
  public void saveModel(Path dir) throws IOException {
    writer.write(dir);
  }
}
