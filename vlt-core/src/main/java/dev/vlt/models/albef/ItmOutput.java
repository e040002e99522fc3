package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;

/**
 * ALBEF's matching pass over B positives and 2B hard negatives: the first B rows of the negative pass pair each text with a
 * mined image, the next B each image with a mined text.
 *
 * @param negativeText the fusion's text input for the negatives [2B, L, H]: the batch's texts, then the mined texts
 * @param negativeTextAtts their padding masks [2B, L]
 * @param negativeImage the image input [2B, S, H]: the mined images, then the batch's images
 * @param negativeMultimodal the fused states of the negative pairs [2B, L, H]
 * @param cls the fused [CLS] states, positives first [3B, H]
 * @param logits the ITM head's (no match, match) logits [3B, 2]
 * @param positives B, the number of leading rows that are matching pairs
 */
public record ItmOutput(
    NDArray negativeText, NDArray negativeTextAtts, NDArray negativeImage, NDArray negativeMultimodal, NDArray cls,
    NDArray logits, int positives) {}
