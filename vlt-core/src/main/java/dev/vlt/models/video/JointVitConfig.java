package dev.vlt.models.video;

import static dev.vlt.models.ConfigReader.error;

/**
 * A space-time ViT with joint attention over tubelet tokens (VideoMAE's encoder).
 *
 * @param frames input frames T (VideoMAE's pretraining model fixes 16)
 * @param tubelet frames per tubelet k_t; tokens N = (T/k_t)·(S/P)²
 * @param qkvBias q and v biases (BEiT's and VideoMAE's {@code q_bias}/{@code v_bias}; keys get none)
 */
public record JointVitConfig(int imageSize, int patchSize, int inChans, int frames, int tubelet, int width, int depth,
    int heads, double mlpRatio, boolean qkvBias, double dropPath) {
  public JointVitConfig {
    if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0) {
      throw error("img_size", imageSize + " is not a positive multiple of patch_size " + patchSize);
    }
    if (frames <= 0 || tubelet <= 0 || frames % tubelet != 0) {
      throw error("num_frames", frames + " is not a positive multiple of tubelet_size " + tubelet);
    }
    if (width <= 0 || depth <= 0) throw error("encoder_embed_dim", "and encoder_depth must be positive");
    if (heads <= 0 || width % heads != 0) throw error("encoder_num_heads", heads + " does not divide encoder_embed_dim " + width);
    if (!(dropPath >= 0 && dropPath < 1)) throw error("drop_path_rate", "must be in [0, 1), got " + dropPath);
  }

  public int grid() {
    return imageSize / patchSize;
  }

  /** Temporal token slots T' = T / k_t. */
  public int slots() {
    return frames / tubelet;
  }

  /** Tokens N = T'·g². */
  public int tokens() {
    return slots() * grid() * grid();
  }

  /** Values per tubelet, k_t·P·P·C: the pixel-prediction width. */
  public int tubeletDim() {
    return tubelet * patchSize * patchSize * inChans;
  }
}
