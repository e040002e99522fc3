package dev.vlt.models.meter;

import ai.djl.ndarray.NDArray;

/**
 * METER's fused encoding of image-text pairs.
 *
 * @param text the fused text tokens [B, L, H] (MLM reads them)
 * @param image the fused image tokens [B, 1+N, H], the image [CLS] first
 * @param cls the pooled text [CLS] and image [CLS], concatenated [B, 2H] (the ITM and VQA heads read it)
 */
public record MeterOutput(NDArray text, NDArray image, NDArray cls) {}
