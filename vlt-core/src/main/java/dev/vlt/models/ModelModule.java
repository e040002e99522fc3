package dev.vlt.models;

/** A model's root module, which knows the config it was built from (so it can be saved as a model folder). */
public interface ModelModule {
  ModelConfig config();

  /**
   * False when this instance lacks a capability its class has because its config leaves out the part behind it (an
   * OmniVL without its caption decoder cannot caption). Commands see only the capabilities a model offers.
   */
  default boolean offers(Capability<?> capability) {
    return true;
  }
}
