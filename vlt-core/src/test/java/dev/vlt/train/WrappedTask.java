package dev.vlt.train;

import ai.djl.ndarray.NDManager;
import dev.vlt.data.Batch;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Module;
import java.io.IOException;
import java.nio.file.Path;

/** A test task around a contrastive one: it does what the inner task does unless it overrides a step. */
interface WrappedTask extends Task<TrainBatch, ContrastiveTask.Outputs> {
  ContrastiveTask inner();

  @Override
  default Module module() {
    return inner().module();
  }

  @Override
  default TrainBatch collate(Batch batch, NDManager manager) {
    return inner().collate(batch, manager);
  }

  @Override
  default ContrastiveTask.Outputs forward(TrainBatch batch) {
    return inner().forward(batch);
  }

  @Override
  default LossTerms loss(ContrastiveTask.Outputs outputs) {
    return inner().loss(outputs);
  }

  @Override
  default void afterStep() {
    inner().afterStep();
  }

  @Override
  default void saveModel(Path dir) throws IOException {
    inner().saveModel(dir);
  }
}
