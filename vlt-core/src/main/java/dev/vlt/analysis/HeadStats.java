package dev.vlt.analysis;

/**
 * One attention head of one block, seen from both modalities over the same matched pairs.
 *
 * @param shared whether image and text use the same attention weights in this block
 * @param cka linear CKA ({@link Cka}) between the head's token-averaged output on the images and on their captions
 * @param imageEntropy mean attention entropy of the head on images, divided by log(keys) so 0 = one key, 1 = uniform
 * @param textEntropy the same on text, over the real tokens (start to end-of-text) under the causal mask
 */
public record HeadStats(int layer, int head, boolean shared, double cka, double imageEntropy, double textEntropy) {
  public double entropyGap() {
    return Math.abs(imageEntropy - textEntropy);
  }
}
