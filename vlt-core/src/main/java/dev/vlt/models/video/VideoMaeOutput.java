package dev.vlt.models.video;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.TubeMasking;

/**
 * What a {@link VideoMae} computes for one batch.
 *
 * @param latent the encoder output for the visible tokens, [B, V, W]
 * @param pred pixel predictions for the masked tokens only, [B, M, k_t·P·P·C]: row k is the k-th masked token in
 *     ascending index order, values in {@link dev.vlt.nn.Patches#tubelets} order
 * @param tokens the visible and masked token indices (each ascending) the mask gave
 */
public record VideoMaeOutput(NDArray latent, NDArray pred, TubeMasking.Indices tokens) {}
