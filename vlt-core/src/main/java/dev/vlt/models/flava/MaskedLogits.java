package dev.vlt.models.flava;

import ai.djl.ndarray.NDArray;

/**
 * A masked-prediction head's scores at the positions that have a target, as torchmultimodal computes them: positions
 * whose label is not {@link Flava#IGNORE} in row-major (batch, position) order.
 *
 * @param logits [n, vocab]
 * @param labels [n] int64 target ids
 */
public record MaskedLogits(NDArray logits, NDArray labels) {}
