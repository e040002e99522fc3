package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.models.coca.Coca;
import dev.vlt.models.coca.CocaOutput;
import dev.vlt.objectives.CocaLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * CoCa's pretraining as open_clip trains it: one forward gives both latents and the decoder's teacher-forced logits; the
 * loss is the weighted contrastive loss plus the weighted captioning cross-entropy ({@link CocaLoss}; open_clip_train's
 * weights 1 and 2). Optional decoder token dropout (vlt's, not open_clip's): the decoder reads a caption with some tokens
 * replaced at random, and is still scored against the true next tokens.
 */
public final class CocaTask implements Task<CocaTask.Captions, CocaTask.Outputs> {
  /**
   * @param tokens the caption ids [B, L] (start token first, padding {@link Coca#PAD_ID})
   * @param decoderTokens what the decoder reads: {@code tokens}, or a corrupted copy under token dropout
   */
  public record Captions(NDArray images, NDArray tokens, NDArray decoderTokens) {}

  /** One micro-batch's outputs: CoCa's training forward. */
  public record Outputs(CocaOutput out) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(new CocaOutput(StepOutput.rows(parts, p -> p.out().imageFeatures()),
          StepOutput.rows(parts, p -> p.out().textFeatures()), out.logitScale(),
          StepOutput.rows(parts, p -> p.out().captionLogits()), StepOutput.rows(parts, p -> p.out().captionLabels())));
    }

    @Override
    public Map<String, NDArray> scalars() {
      return Map.of("logit_scale", out.logitScale());
    }
  }

  private final Coca model;
  private final CocaLoss loss;
  private final double tokenDropout;
  private final long seed;
  private final ModelWriter writer;

  /**
   * @param tokenDropout probability that a caption token the decoder reads (not the start token, not padding) is replaced
   *     by a random token (word dropout, Bowman et al. 2016); 0 is open_clip's training
   * @param seed fixes each sample's dropout draws (with the sample's id), so a resumed run draws the same
   */
  public CocaTask(Coca model, CocaLoss loss, double tokenDropout, long seed, ModelWriter writer) {
    if (!(tokenDropout >= 0 && tokenDropout < 1)) throw new IllegalArgumentException("token dropout must be in [0, 1), got " + tokenDropout);
    this.model = model;
    this.loss = loss;
    this.tokenDropout = tokenDropout;
    this.seed = seed;
    this.writer = writer;
  }

  @Override
  public Module module() {
    return model;
  }

  @Override
  public Captions collate(Batch batch, NDManager manager) {
    NDArray ids = manager.create(batch.tokens()).toType(DataType.INT64, false);
    if (tokenDropout == 0) return new Captions(batch.images(), ids, ids);
    long[][] corrupted = new long[batch.size()][];
    int vocab = model.config().text().vocabSize();
    for (int i = 0; i < batch.size(); i++) {
      long[] row = batch.tokens()[i].clone();
      SplittableRandom rng = new SplittableRandom(SplitMix.mix(seed, batch.samples().get(i).id().hashCode()));
      for (int t = 1; t < row.length; t++) {
        if (row[t] != Coca.PAD_ID && rng.nextDouble() < tokenDropout) row[t] = 1 + rng.nextInt(vocab - 1);
      }
      corrupted[i] = row;
    }
    return new Captions(batch.images(), ids, manager.create(corrupted).toType(DataType.INT64, false));
  }

  @Override
  public Outputs forward(Captions batch) {
    return new Outputs(model.trainingForward(batch.images(), batch.tokens(), batch.decoderTokens(), Trace.NONE));
  }

  @Override
  public LossTerms loss(Outputs o) {
    return loss.compute(o.out());
  }

  @Override
  public void afterStep() {
    ContrastiveTask.clampLogitScale(model.logitScale());
  }

  @Override
  public void saveModel(Path dir) throws IOException {
    writer.write(dir);
  }
}
