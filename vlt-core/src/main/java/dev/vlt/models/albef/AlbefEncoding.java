package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;

/**
 * The three towers' outputs for a batch of image-text pairs.
 *
 * @param image image tokens [B, 1 + g², H], the class token first
 * @param text unimodal text states [B, L, H], [CLS] first
 * @param multimodal the text states after fusion with the image [B, L, H]
 */
public record AlbefEncoding(NDArray image, NDArray text, NDArray multimodal) {}
