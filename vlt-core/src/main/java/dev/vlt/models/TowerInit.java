package dev.vlt.models;

import ai.djl.ndarray.NDManager;

/**
 * A model that can start one of its towers from another trained model ({@code vlt train --init-from DIR}): METER's ViT
 * from a CLIP's image tower (METER's strongest towers were CLIP's), INDIGO's likewise. The rest of the model keeps its
 * fresh initialisation; what does not fit is refused in one line naming the mismatch.
 */
public interface TowerInit {
  /**
   * Copies what this model can take from {@code source} into its own parameters (copies in {@code manager}: the source
   * may be closed afterwards), and says what was taken, e.g. "vit_model ← the CLIP's image tower".
   *
   * @throws IllegalArgumentException if {@code source} holds nothing this model can start from, or its shape differs
   */
  String initFrom(ModelModule source, NDManager manager);
}
