package dev.vlt.models.msclip;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tensor.Engines;
import java.io.IOException;
import java.nio.file.Path;

/**
 * MS-CLIP model folders: open_clip's hub layout ({@code open_clip_config.json} + {@code open_clip_model.safetensors}) with
 * vlt's {@code msclip_cfg} inside {@code model_cfg}. {@link Models#load} sends such folders here, so every command that
 * takes {@code --model} takes an MS-CLIP folder. A CLIP folder whose towers have equal shape also loads here, as the
 * fully-separate MS-CLIP it is (same keys, same outputs).
 */
public final class MsClipFolder {
  private MsClipFolder() {}

  public static void save(MsClip model, PreprocessConfig preprocess, Path dir) throws IOException {
    Models.writeFolder(dir, model.config().toJson(new ObjectMapper()), preprocess, model.stateDict());
  }

  /** Loads an MS-CLIP folder, or a CLIP folder as the fully-separate MS-CLIP; strict about every key and shape. */
  public static LoadedModel load(Path dir) throws IOException {
    JsonNode root = Models.readFolderConfig(dir);
    JsonNode modelCfg = root.get("model_cfg");
    MsClipConfig cfg = MsClipConfig.isMsClip(modelCfg) ? MsClipConfig.fromJson(modelCfg)
        : MsClipConfig.separateFrom(ClipConfig.fromJson(modelCfg));
    PreprocessConfig pre = Models.preprocess(root, cfg.imageSize());
    Engines.ensureStarted();
    NDManager m = NDManager.newBaseManager();
    try {
      MsClip model = new MsClip(cfg);
      Models.loadWeights(model, dir, m);
      return new LoadedModel(dir.getFileName().toString(), dir, model, pre, m);
    } catch (RuntimeException | IOException e) {
      m.close();
      throw e;
    }
  }
}
