package dev.vlt.hub;

import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.ModelSource;
import dev.vlt.models.Models;
import dev.vlt.models.clip.ClipConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Lets {@code --model} name pretrained weights: {@code ARCH:TAG} from the registry, or {@code hf-hub:OWNER/NAME} for
 * any repo in open_clip's or transformers' layout. Downloads on first use into the cache, unless offline
 * ({@code HF_HUB_OFFLINE=1}); progress goes to stderr as plain lines.
 */
public final class PretrainedSource implements ModelSource {
  private static final String HF_HUB = "hf-hub:";
  private static volatile Hub configured;

  /**
   * Makes {@code Models.resolve} download with this configuration and listener (e.g. a progress bar, a local mirror),
   * instead of the environment's with plain progress lines; null restores that default.
   */
  public static void configure(HubConfig cfg, DownloadListener listener) {
    configured = cfg == null ? null : new Hub(cfg, listener == null ? DownloadListener.NONE : listener);
  }

  @Override
  public Optional<LoadedModel> resolve(String name) throws IOException {
    if (name.startsWith(HF_HUB)) {
      Path dir = hub().download(RepoId.parse(name), Hub.DEFAULT_REVISION);
      return Optional.of(Models.load(dir));
    }
    Optional<PretrainedModel> p = PretrainedRegistry.find(name);
    if (p.isEmpty()) return Optional.empty();
    return Optional.of(load(p.get(), hub().download(p.get().repo(), Hub.DEFAULT_REVISION, p.get().tokenizerRepo())));
  }

  /**
   * A registry checkpoint from its downloaded folder. As open_clip does for a pretrained tag, the architecture comes
   * from the registry (with QuickGELU where the weights need it) and only the weights from the folder; a repo that has
   * only transformers' layout loads through that layout's own config.
   */
  public static LoadedModel load(PretrainedModel p, Path dir) throws IOException {
    Path weights = dir.resolve(Models.WEIGHTS_FILE);
    if (!Files.isRegularFile(weights)) return Models.load(dir);
    ClipConfig arch = Models.config(p.architecture(), ClipConfig.class);
    ClipConfig cfg = new ClipConfig(arch.embedDim(), arch.vision(), arch.text(), arch.quickGelu() || p.quickGelu(),
        arch.initLogitScale());
    PreprocessConfig pre = new PreprocessConfig(cfg.vision().imageSize(), p.mean(), p.std(), "bicubic", "shortest");
    return Models.load(p.name(), dir, cfg, pre, weights);
  }

  @Override
  public boolean recognizes(Path dir) {
    return false;   // downloaded folders are ordinary model folders
  }

  @Override
  public LoadedModel load(Path dir) {
    throw new UnsupportedOperationException("PretrainedSource resolves names, not folders");
  }

  @Override
  public String describe() {
    return "a pretrained ARCH:TAG (vlt download --list) or hf-hub:OWNER/NAME";
  }

  static Hub hub() {
    Hub h = configured;
    return h != null ? h : new Hub(HubConfig.fromEnvironment(), new LineProgress(System.err));
  }
}
