package dev.vlt.models;

/** A model's root module, which knows the config it was built from (so it can be saved as a model folder). */
public interface ModelModule {
  ModelConfig config();
}
