package dev.vlt.models.caption;

import ai.djl.ndarray.NDArray;

/**
 * What an image tower gives a captioning decoder.
 *
 * @param latent the contrastive image embedding [B, E], not normalised; null for a model without one
 * @param tokens the image tokens the decoder attends to [B, S, E]
 */
public record ImageEncoding(NDArray latent, NDArray tokens) {}
