package dev.vlt.systems;

import dev.vlt.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One system's entry to {@code vlt quickstart --system NAME}: its small configuration trained on built-in data, and its
 * own evaluation against a stated baseline. Every system of SYSTEMS.md adds one, so each is checkable the same way.
 */
public interface QuickstartSystem {
  /** The name {@code --system} takes, e.g. "clip". */
  String name();

  /** One line: what is trained on what, and what the evaluation measures. */
  String description();

  /** The training run (a registry model on built-in data), for {@code seed}; {@code steps} overrides the budget when not null. */
  TrainConfig trainConfig(long seed, Long steps);

  /** The training run on {@code data} ({@code vlt quickstart --data}; null: the system's built-in data). */
  default TrainConfig trainConfig(long seed, Long steps, String data) {
    if (data != null) throw new IllegalArgumentException("--data: the " + name() + " quickstart trains only on its built-in data");
    return trainConfig(seed, steps);
  }

  /**
   * The training run of {@code vlt quickstart}, after the work it depends on, done in {@code out} (a system whose run starts
   * from a model the quickstart trains first, as INDIGO's frozen CLIP, trains it here). By default
   * {@link #trainConfig(long, Long, String)}.
   */
  default TrainConfig prepare(Path out, long seed, Long steps, String data, Consumer<String> log) throws IOException {
    return trainConfig(seed, steps, data);
  }

  /**
   * Evaluates the trained model folder into {@code out} ({@code report.html} and whatever else the system shows), and
   * returns its headline figures, each beside its baseline.
   */
  Evaluation evaluate(Path model, Path out, long seed, Consumer<String> log) throws IOException;

  /** A measured figure and the baseline it is compared with (higher is better for both). */
  record Figure(String name, double value, String baselineName, double baseline) {
    public boolean aboveBaseline() {
      return value > baseline;
    }
  }

  /**
   * What the evaluation measured and wrote. {@code measures} are further numbers without a baseline or a better direction
   * (e.g. an analysis per layer, by name); experiments report them beside the figures.
   */
  record Evaluation(List<Figure> figures, List<String> notes, Path report, Map<String, Double> measures) {
    public Evaluation {
      measures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(measures));
    }

    public Evaluation(List<Figure> figures, List<String> notes, Path report) {
      this(figures, notes, report, Map.of());
    }
  }
}
