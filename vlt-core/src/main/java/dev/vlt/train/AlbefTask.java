package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.models.albef.AlbefRetrieval;
import dev.vlt.models.albef.ItmOutput;
import dev.vlt.models.albef.RetrievalOutput;
import dev.vlt.objectives.DistilledContrastiveLoss;
import dev.vlt.objectives.HardNegatives;
import dev.vlt.objectives.ItmLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ALBEF's retrieval pretraining (Li et al. 2021): before each step the momentum copies follow by EMA; the step's loss is
 * the momentum-distilled contrastive loss against the batch and the queue, plus image-text matching on the positives and
 * one mined hard negative per image and per text; after the step the batch's momentum features enter the queue and the
 * temperature is clamped to [0.001, 0.5] as ALBEF's own code does (torchmultimodal leaves it free).
 */
public final class AlbefTask implements Task<AlbefTask.Pairs, AlbefTask.Outputs> {
  /** ALBEF's distillation weight. */
  public static final double ALPHA = 0.4;

  /** @param idx [B] a number per sample id: pairs of one sample (several captions of one image) are positives */
  public record Pairs(NDArray images, NDArray ids, NDArray atts, NDArray idx, long drawSeed) {}

  /** One micro-batch's contrastive forward and matching pass. */
  public record Outputs(RetrievalOutput retrieval, ItmOutput itm) implements UnjoinedOutput<Outputs> {}

  private final AlbefRetrieval model;
  private final long seed;
  private final ModelWriter writer;
  private final List<RetrievalOutput> pending = new ArrayList<>();

  /** Starts the momentum copies as exact copies of the online model, as ALBEF does (a resumed run then loads its own). */
  public AlbefTask(AlbefRetrieval model, long seed, ModelWriter writer) {
    this.model = model;
    this.seed = seed;
    this.writer = writer;
    model.resetMomentum();
  }

  @Override
  public Module module() {
    return model;
  }

  @Override
  public Pairs collate(Batch batch, NDManager manager) {
    NDArray ids = manager.create(batch.tokens()).toType(DataType.INT64, false);
    long[] idx = sampleNumbers(batch);
    return new Pairs(batch.images(), ids, ids.neq(model.config().text().embeddings().padId()).toType(DataType.INT64, false),
        manager.create(idx), drawSeed(seed, idx));
  }

  /** A non-negative number per sample id (the queue's empty slots are −100): equal ids, equal numbers. */
  static long[] sampleNumbers(Batch batch) {
    long[] idx = new long[batch.size()];
    for (int i = 0; i < idx.length; i++) idx[i] = SplitMix.mix(0, batch.samples().get(i).id().hashCode()) >>> 1;
    return idx;
  }

  /** The seed of a batch's hard-negative draws: a function of the run's seed and the batch's samples alone. */
  static long drawSeed(long seed, long[] idx) {
    long draw = seed;
    for (long i : idx) draw = SplitMix.mix(draw, i);
    return draw;
  }

  /** ALBEF's code keeps the learned temperature in [0.001, 0.5] after every step. */
  static void clampTemperature(Parameter temp) {
    try (NoGrad ignored = NoGrad.open()) {
      NDArray t = temp.value();
      t.set(new float[] {Math.max(0.001f, Math.min(0.5f, t.toType(DataType.FLOAT32, false).getFloat()))});
    }
  }

  @Override
  public void beforeStep() {
    pending.clear();  // a skipped (non-finite) step enqueues nothing
    model.momentumUpdate();
  }

  @Override
  public Outputs forward(Pairs b) {
    RetrievalOutput out = model.trainingForward(b.images(), b.ids(), b.atts(), b.idx());
    HardNegatives.Draws neg = HardNegatives.sample(out, HardNegatives.seeded(b.drawSeed()));
    ItmOutput itm = model.matchWithNegatives(out, neg.images(), neg.texts());
    pending.add(out);
    return new Outputs(out, itm);
  }

  @Override
  public LossTerms loss(Outputs o) {
    Map<String, NDArray> terms = new LinkedHashMap<>(DistilledContrastiveLoss.compute(o.retrieval(), ALPHA).terms());
    terms.putAll(ItmLoss.compute(o.itm()).terms());
    return new LossTerms(terms);
  }

  @Override
  public void afterStep() {
    for (RetrievalOutput out : pending) model.enqueue(out);
    pending.clear();
    clampTemperature(model.temp());
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
