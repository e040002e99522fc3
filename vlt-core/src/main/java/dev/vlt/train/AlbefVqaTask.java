package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.data.Sample;
import dev.vlt.models.albef.AlbefVqa;
import dev.vlt.models.albef.VqaOutput;
import dev.vlt.objectives.AnswerLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Module;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ALBEF's VQA fine-tuning (Li et al. 2021, §4.3): one question per sample, its answer decoded with teacher forcing against
 * the fused question, the loss distilled from the momentum decoder (α = 0.4); the momentum copies follow by EMA before each
 * step. Each sample's one answer weighs 1 (ALBEF weighs several annotators' answers).
 */
public final class AlbefVqaTask implements Task<AlbefVqaTask.Questions, AlbefVqaTask.Outputs> {
  /** @param answers the answer ids [B, M] ("[CLS] … [SEP]" then padding) */
  public record Questions(NDArray images, NDArray ids, NDArray atts, NDArray answers, NDArray answerAtts) {}

  /** One micro-batch's teacher-forced answers. */
  public record Outputs(VqaOutput out) implements UnjoinedOutput<Outputs> {}

  private final AlbefVqa model;
  private final Tokenizer tokenizer;
  private final long seed;
  private final ModelWriter writer;
  private final AnswerLoss loss = new AnswerLoss(AlbefTask.ALPHA);

  /** Starts the momentum copies as exact copies of the online model, as ALBEF does (a resumed run then loads its own). */
  public AlbefVqaTask(AlbefVqa model, Tokenizer tokenizer, long seed, ModelWriter writer) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.seed = seed;
    this.writer = writer;
    model.resetMomentum();
  }

  @Override
  public Module module() {
    return model;
  }

  @Override
  public Questions collate(Batch batch, NDManager manager) {
    List<String> questions = new ArrayList<>(batch.size());
    List<String> answers = new ArrayList<>(batch.size());
    for (Sample s : batch.samples()) {
      var q = SampleQuestions.pick(s, seed);
      questions.add(q.text());
      answers.add(q.answer());
    }
    long pad = tokenizer.padId();
    NDArray ids = manager.create(SampleQuestions.trim(tokenizer.tokenize(questions), pad));
    NDArray answerIds = manager.create(SampleQuestions.trim(tokenizer.tokenize(answers), pad));
    return new Questions(batch.images(), ids, ids.neq(pad).toType(DataType.INT64, false), answerIds,
        answerIds.neq(pad).toType(DataType.INT64, false));
  }

  @Override
  public void beforeStep() {
    model.momentumUpdate();
  }

  @Override
  public Outputs forward(Questions b) {
    long[] counts = new long[Math.toIntExact(b.ids().getShape().get(0))];
    Arrays.fill(counts, 1);
    return new Outputs(model.trainingForward(b.images(), b.ids(), b.atts(), b.answers(), b.answerAtts(), counts));
  }

  @Override
  public LossTerms loss(Outputs o) {
    NDArray weights = o.out().scores().getManager().ones(new ai.djl.ndarray.types.Shape(o.out().labels().getShape().get(0)));
    return loss.compute(o.out(), weights);
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
