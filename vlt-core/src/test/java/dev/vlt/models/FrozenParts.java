package dev.vlt.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import java.util.Map;
import java.util.function.Predicate;

/** Tests of models that train one part with the rest frozen (InternVideo's stages, MOV): checks after a backward pass. */
public final class FrozenParts {
  private FrozenParts() {}

  /**
   * Asserts that every parameter of {@code model} whose key {@code trained} accepts is trainable and got a finite,
   * non-zero gradient, and that every other is frozen and got none. Returns {frozen, trained}, the two counts.
   */
  public static int[] assertOnlyTrainedPartsGetGradients(Module model, Predicate<String> trained) {
    int frozen = 0, trainedCount = 0;
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      String k = e.getKey();
      boolean trains = trained.test(k);
      assertEquals(!trains, e.getValue().isFrozen(), k);
      if (!trains) {
        frozen++;
        assertFalse(e.getValue().value().hasGradient(), k + " is frozen but got a gradient");
        continue;
      }
      trainedCount++;
      double sum = 0;
      for (float g : e.getValue().value().getGradient().toFloatArray()) {
        assertTrue(Float.isFinite(g), k);
        sum += Math.abs(g);
      }
      assertTrue(sum > 0, k + " gets no gradient");
    }
    return new int[] {frozen, trainedCount};
  }
}
