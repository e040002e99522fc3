package dev.vlt.models.vlc;

import ai.djl.ndarray.NDArray;

/**
 * VLC's fused encoding of image-text pairs.
 *
 * @param text the fused text tokens [B, T, W] (MLM reads them)
 * @param image the fused image tokens [B, 1+K, W]: the image class token, then the K patches that entered (all of them,
 *     or the kept ones in the drop's idsKeep order); the MIM decoder reads them
 * @param cls the pooled first token, tanh(dense(text [CLS])) [B, W] (the ITM and VQA heads read it)
 */
public record VlcOutput(NDArray text, NDArray image, NDArray cls) {}
