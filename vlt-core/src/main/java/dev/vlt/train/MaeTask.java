package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.Batch;
import dev.vlt.models.mae.Mae;
import dev.vlt.models.mae.MaeOutput;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.MaskedPixelLoss;
import dev.vlt.objectives.PixelTargets;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * MAE's pretraining ({@code engine_pretrain.py}): a fresh random masking of every image in every pass, the model's
 * prediction of every patch, and the pixel loss on the removed ones ({@link MaskedPixelLoss}), with targets per-patch
 * normalised when the config's {@code norm_pix_loss} is set. Captions are ignored. The loss is a mean over independent
 * images, so micro-batches accumulate plainly.
 */
public final class MaeTask implements Task<MaeTask.Images, MaeTask.Outputs> {
  /** images [B, C, S, S]; noise [B, L], the masking draw (small = kept). */
  public record Images(NDArray images, NDArray noise) {}

  /** One micro-batch: predictions and targets [B, L, p·p·C], mask [B, L] (1 = removed). */
  public record Outputs(NDArray pred, NDArray target, NDArray mask) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(StepOutput.rows(parts, Outputs::pred), StepOutput.rows(parts, Outputs::target),
          StepOutput.rows(parts, Outputs::mask));
    }

    @Override
    public Map<String, NDArray> scalars() {
      return Map.of();
    }
  }

  private final Mae model;
  private final long seed;
  private final ModelWriter writer;

  /** @param seed with each sample's id and the loader's position, fixes the masking draws (a resumed run draws the same) */
  public MaeTask(Mae model, long seed, ModelWriter writer) {
    this.model = model;
    this.seed = seed;
    this.writer = writer;
  }

  @Override
  public Module module() {
    return model;
  }

  /** The masking noise differs per image and per pass over the data: drawn from (seed, position after the batch, id). */
  @Override
  public Images collate(Batch batch, NDManager manager) {
    return new Images(batch.images(), noise(batch, manager, seed, model.config().patches()));
  }

  /**
   * Masking noise [B, L] for a batch, uniform in [0, 1) (small = kept): fresh per image and per pass over the data, drawn
   * from (seed, the loader's position after the batch, the sample's id), so a resumed run draws the same. VLC's patch drop
   * draws likewise.
   */
  static NDArray noise(Batch batch, NDManager manager, long seed, int patches) {
    float[] noise = new float[batch.size() * patches];
    long pass = SplitMix.mix(SplitMix.mix(seed, batch.next().epoch()), batch.next().index());
    for (int i = 0; i < batch.size(); i++) {
      SplittableRandom rng = new SplittableRandom(SplitMix.mix(pass, batch.samples().get(i).id().hashCode()));
      for (int j = 0; j < patches; j++) noise[i * patches + j] = (float) rng.nextDouble();
    }
    return manager.create(noise, new Shape(batch.size(), patches));
  }

  @Override
  public Outputs forward(Images batch) {
    MaeOutput out = model.forward(batch.images(), batch.noise(), Trace.NONE);
    NDArray target = PixelTargets.image(batch.images(), model.config().patchSize(), model.config().normPixLoss());
    return new Outputs(out.pred(), target, out.mask());
  }

  @Override
  public LossTerms loss(Outputs o) {
    return MaskedPixelLoss.compute(o.pred(), o.target(), o.mask());
  }

  @Override
  public boolean couplesBatch() {
    return false;
  }

  @Override
  public void saveModel(Path dir) throws IOException {
    writer.write(dir);
  }
}
