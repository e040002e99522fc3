package dev.vlt.train;

import ai.djl.ndarray.NDManager;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.coca.Coca;
import dev.vlt.objectives.CocaLoss;
import dev.vlt.tokenize.Tokenizer;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one table of training tasks, by the names architectures list ({@code Architecture.tasks()}). A new objective is a
 * line here and a {@link Task}; the {@link Trainer} runs them all.
 */
public final class Tasks {
  /**
   * What a task is built from. {@code tokenizer} is the run's (a task that tokenizes texts of its own, such as grounding's
   * expressions, needs it); null when the caller has none, and then the model's own is used.
   */
  public record Context(LoadedModel model, TrainConfig config, NDManager manager, ModelWriter writer, Tokenizer tokenizer) {
    public Context(LoadedModel model, TrainConfig config, NDManager manager, ModelWriter writer) {
      this(model, config, manager, writer, null);
    }

    /** The run's tokenizer, else the model's. */
    public Tokenizer textTokenizer() {
      return tokenizer != null ? tokenizer : model.tokenizer();
    }
  }

  /** A task's name, what it optimises, and how to build it. */
  public record Entry(String name, String description, Function<Context, Task<?, ?>> factory) {}

  private static final List<Entry> ALL = List.of(
      new Entry("contrastive", "CLIP's symmetric InfoNCE over the batch (open_clip's ClipLoss)",
          c -> new ContrastiveTask(c.model().module(), ContrastiveTask.Objective.CONTRASTIVE, 0, c.manager(), c.writer())),
      new Entry("sigmoid", "SigLIP's pairwise sigmoid loss with a learned bias (starts at -10)",
          c -> new ContrastiveTask(c.model().module(), ContrastiveTask.Objective.SIGMOID, -10, c.manager(), c.writer())),
      new Entry("coca", "CoCa: contrastive + captioning cross-entropy (open_clip's CoCaLoss, weights 1 and 2)",
          c -> new CocaTask(c.model().as(Coca.class), new CocaLoss(c.config().coca().contrastiveWeight(),
              c.config().coca().captionWeight(), Coca.PAD_ID), c.config().coca().tokenDropout(), c.config().seed(), c.writer())),
      new Entry("grounding", "TransVG's box regression: one referring expression per image, L1 (weight 5) + GIoU (weight 2) on the "
          + "normalised box", GroundingTask::of));

  private Tasks() {}

  public static List<Entry> all() {
    return ALL;
  }

  public static Entry get(String name) {
    for (Entry e : ALL) if (e.name().equals(name)) return e;
    throw new IllegalArgumentException("unknown task '" + name + "'; known: " + ALL.stream().map(Entry::name).collect(Collectors.joining(", ")));
  }

  /** The task {@code name} for the context's model; one line when the model's architecture does not train on it. */
  public static Task<?, ?> create(String name, Context c) {
    Entry e = get(name);
    List<String> own = c.model().architecture().tasks();
    if (!own.contains(name)) {
      throw new IllegalArgumentException("--task " + name + " does not train a " + c.model().architecture().title()
          + " model; its tasks are " + String.join(", ", own));
    }
    return e.factory().apply(c);
  }
}
