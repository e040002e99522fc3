package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.data.DataSource;
import dev.vlt.data.DomainSource;
import dev.vlt.data.Sample;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.indigo.Indigo;
import dev.vlt.models.indigo.IndigoConfig;
import dev.vlt.models.indigo.IndigoOutput;
import dev.vlt.objectives.IndigoLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Trace;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * INDIGO training on labelled images from several domains (a {@link DomainSource}, e.g. {@code emoji-styles}): the class
 * token's cross-entropy plus the multimodal token's cross-entropy over the class × domain prompts, weighted equally
 * ({@link IndigoLoss}). The CLIP stays frozen; the ViT, the token's Linear + LayerNorm, the projection, the head and the
 * temperature learn. Given a CLIP (a folder with {@code --pretrained}), the task builds the INDIGO over it, with the
 * data's classes and domains, and the trained folder is an INDIGO folder; given an INDIGO folder, the data must have its
 * classes and domains. The prompts' text embeddings are computed once from the frozen text tower.
 */
public final class IndigoTask implements Task<IndigoTask.Input, IndigoTask.Outputs> {
  /** images [B, 3, S, S]; labels and domains [B] int64. */
  public record Input(NDArray images, NDArray labels, NDArray domains) {}

  /** One micro-batch's heads, with the targets they are scored against. */
  public record Outputs(NDArray classLogits, NDArray textLogits, NDArray logitScale, NDArray labels, NDArray domains)
      implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(StepOutput.rows(parts, Outputs::classLogits), StepOutput.rows(parts, Outputs::textLogits), logitScale,
          StepOutput.rows(parts, Outputs::labels), StepOutput.rows(parts, Outputs::domains));
    }

    @Override
    public Map<String, NDArray> scalars() {
      return Map.of("logit_scale", logitScale);
    }
  }

  private final Indigo model;
  private final DomainSource source;
  private final ModelWriter writer;

  /** The CLIP inside {@code model} is frozen here; its text anchors are computed from {@code tokenizer}. */
  public IndigoTask(Indigo model, DomainSource source, Tokenizer tokenizer, ModelWriter writer) {
    this.model = model;
    this.source = source;
    this.writer = writer;
    IndigoConfig cfg = model.config();
    if (!cfg.classes().equals(source.classNames()) || !cfg.domains().equals(source.domains())) {
      throw new IllegalArgumentException("this INDIGO model knows classes " + cfg.classes() + " in domains " + cfg.domains()
          + "; the data has " + source.classNames() + " in " + source.domains());
    }
    model.clip().freeze(true);
    computeAnchors(model, tokenizer);
  }

  /** The frozen text tower's embeddings of the model's class × domain prompts, into its {@code text_anchors}. */
  public static void computeAnchors(Indigo model, Tokenizer tokenizer) {
    long[][] ids = tokenizer.tokenize(model.config().prompts());
    try (NDManager m = model.textAnchors().getManager().newSubManager(); NoGrad ignored = NoGrad.open()) {
      NDArray text = model.clip().textFeatures(m.create(ids).toType(DataType.INT64, false), Trace.NONE);
      model.setTextAnchors(text);
    }
  }

  /** The task for {@code vlt train --task indigo}. */
  static IndigoTask create(Tasks.Context c) {
    DataSource data = c.source();
    if (!(data instanceof DomainSource source) || source.classNames().isEmpty()) {
      throw new IllegalArgumentException("--task indigo trains on labelled images from named domains, e.g. --data "
          + "emoji-styles:train:original,greyscale,sketch; " + (data == null ? "no data" : data.describe()) + " has none");
    }
    LoadedModel lm = c.model();
    if (lm.module() instanceof Indigo m) return new IndigoTask(m, source, c.textTokenizer(), c.writer());
    if (lm.module() instanceof Clip clip) {
      IndigoConfig cfg = IndigoConfig.over(clip.config(), source.classNames(), source.domains(), source.domainTemplates());
      Indigo m = Indigo.over(clip, cfg, c.config().seed(), lm.manager());
      // the run's writer saves the CLIP folder with its tokenizer files; INDIGO's config and weights then replace CLIP's
      ModelWriter w = dir -> {
        c.writer().write(dir);
        Models.save(m, lm.preprocess(), dir);
      };
      return new IndigoTask(m, source, c.textTokenizer(), w);
    }
    throw new IllegalArgumentException("INDIGO trains over a frozen CLIP; " + lm.describe() + " is a " + lm.architecture().title() + " model");
  }

  public Indigo indigo() {
    return model;
  }

  @Override
  public Module module() {
    return model;
  }

  @Override
  public Input collate(Batch batch, NDManager manager) {
    List<Sample> samples = batch.samples();
    long[] labels = new long[samples.size()];
    long[] domains = new long[samples.size()];
    for (int i = 0; i < labels.length; i++) {
      Sample s = samples.get(i);
      if (!s.hasLabel()) throw new IllegalArgumentException("INDIGO trains on labelled images; " + s.location() + " has no label");
      labels[i] = s.label();
      domains[i] = source.domain(s);
    }
    return new Input(batch.images(), manager.create(labels), manager.create(domains));
  }

  @Override
  public Outputs forward(Input batch) {
    IndigoOutput o = model.forward(batch.images());
    return new Outputs(o.classLogits(), o.textLogits(), o.logitScale(), batch.labels(), batch.domains());
  }

  @Override
  public LossTerms loss(Outputs o) {
    return IndigoLoss.compute(o.classLogits(), o.textLogits(), o.labels(), o.domains());
  }

  @Override
  public boolean couplesBatch() {
    return false;
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
