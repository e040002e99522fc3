package dev.vlt.systems;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Florence's UniCL quickstart: a small CLIP trained with {@code --task unicl} on a mix of image-label data (the 1,500
 * training digits, captioned from class templates) and image-text pairs (the 1,530 training emoji with their names);
 * then zero-shot on the held-out digits and retrieval of held-out emoji by name, each against chance, and linear probes.
 * The UniCL experiment runs the same system with {@code --task contrastive} as plain CLIP on the same mix.
 */
final class UniclQuickstart implements QuickstartSystem {
  static final String DATA = "mix:digits:train,emoji:train";
  static final int STEPS = 600;
  static final int BATCH = 64;

  @Override
  public String name() {
    return "unicl";
  }

  @Override
  public String description() {
    return "UniCL (Florence) on a small CLIP over digits (labels as template captions) mixed with emoji name pairs; zero-shot "
        + "on held-out digits, retrieval of held-out emoji by name, linear probes";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    ObjectNode c = new ObjectMapper().createObjectNode().put("model", "shapes-small").put("data", DATA).put("seed", seed)
        .put("task", "unicl").put("batch_size", BATCH).put("steps", steps != null ? steps : STEPS).put("zeroshot_frequency", 0);
    return TrainConfig.fromJson(c);
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    return ContrastiveQuickstart.suite(modelDir, out, seed, log, "vlt quickstart --system unicl: " + description(),
        List.of("digits", "emoji"), List.of("digits", "emoji"));
  }
}
