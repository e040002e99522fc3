package dev.vlt.models;

import dev.vlt.data.image.PreprocessConfig;

import ai.djl.ndarray.NDManager;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.msclip.MsClip;
import dev.vlt.tensor.Module;
import java.nio.file.Path;

/**
 * A contrastive model (CLIP, MS-CLIP) with what it needs to be used: its preprocessing and the manager that owns its
 * weights (closed with it).
 *
 * @param folder the model folder, or null for a registry model with fresh weights
 */
public record LoadedModel(String name, Path folder, ContrastiveModel model, PreprocessConfig preprocess, NDManager manager)
    implements AutoCloseable {
  public LoadedModel {
    if (!(model instanceof Module)) throw new IllegalArgumentException("a loaded model is a Module, got " + model.getClass());
  }

  /** The model as a module: its named parameters, train/eval mode. */
  public Module module() {
    return (Module) model;
  }

  /** The model as CLIP, for what only CLIP has (its config, its towers); a clear error for another architecture. */
  public Clip clip() {
    if (model instanceof Clip c) return c;
    throw new IllegalArgumentException(describe() + " is " + kind() + ", and this needs a CLIP model");
  }

  /** The model as MS-CLIP; a clear error for another architecture. */
  public MsClip msclip() {
    if (model instanceof MsClip m) return m;
    throw new IllegalArgumentException(describe() + " is " + kind() + ", and this needs an MS-CLIP model");
  }

  /** "CLIP" or "MS-CLIP". */
  public String kind() {
    return model instanceof MsClip ? "MS-CLIP" : "CLIP";
  }

  private String describe() {
    return folder != null ? folder.toString() : name;
  }

  @Override
  public void close() {
    manager.close();
  }
}
