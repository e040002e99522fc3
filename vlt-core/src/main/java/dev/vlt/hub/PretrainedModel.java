package dev.vlt.hub;

/**
 * One pretrained checkpoint of the registry: open_clip's architecture and tag, and where the weights are.
 *
 * @param quickGelu the weights were trained with QuickGELU (OpenAI's and LAION-400M's), whatever the architecture says
 * @param mean per-channel RGB mean of the preprocessing (OpenAI's unless the registry says otherwise)
 * @param tokenizerRepo where CLIP's tokenizer files come from when {@code repo} has none, or null
 */
public record PretrainedModel(String architecture, String tag, RepoId repo, boolean quickGelu, float[] mean, float[] std,
    RepoId tokenizerRepo) {
  /** The name {@code --model} takes: {@code ARCH:TAG}. */
  public String name() {
    return architecture + ":" + tag;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }
}
