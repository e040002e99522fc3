package dev.vlt.models.msclip;

import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import java.util.Map;

/**
 * A contrastive model's parameters by who uses them, read from the checkpoint names: {@code shared.} (both modalities),
 * {@code visual.} (images only), {@code logit_scale} (other), everything else text only. Works for CLIP too, whose shared
 * count is 0. For {@code vlt info}.
 */
public record ParameterSplit(long shared, long image, long text, long other) {
  public static ParameterSplit of(Module model) {
    long shared = 0;
    long image = 0;
    long text = 0;
    long other = 0;
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      String k = e.getKey();
      long n = e.getValue().numel();
      if (k.startsWith("shared.")) shared += n;
      else if (k.startsWith("visual.")) image += n;
      else if (k.equals("logit_scale")) other += n;
      else text += n;
    }
    return new ParameterSplit(shared, image, text, other);
  }

  public long total() {
    return shared + image + text + other;
  }

  /**
   * Whether the names follow the contrastive layout this split reads ({@code visual.}, {@code shared.}). A fusion model
   * (METER's {@code vit_model.}, VLC's trunk) does not, and calling all of it text would be wrong.
   */
  public boolean readable() {
    return image > 0 || shared > 0;
  }

  /** "1,234 total: 800 shared, 300 image-only, 133 text-only, 1 other", or just "1,234 total" where the split is not readable. */
  public String describe() {
    if (!readable()) return String.format("%,d total", total());
    return String.format("%,d total: %,d shared, %,d image-only, %,d text-only, %,d other", total(), shared, image, text, other);
  }
}
