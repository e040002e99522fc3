package dev.vlt.models.coca;

import ai.djl.ndarray.NDArray;

/**
 * What CoCa's text tower gives.
 *
 * @param latent the contrastive text embedding [B, E] from the CLS token, not normalised
 * @param tokens the token states [B, L, W] before ln_final: the decoder's input
 */
public record TextEncoding(NDArray latent, NDArray tokens) {}
