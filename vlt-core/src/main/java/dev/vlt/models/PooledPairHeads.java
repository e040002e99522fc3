package dev.vlt.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.Tokenizer;
import java.util.List;

/**
 * A fusion model whose pooled pair vector feeds both an image-text matching head and a VQA answer classifier (METER: the
 * pooled text and image [CLS] side by side; VLC: the pooled fused text [CLS]). Matching and answering then read the same
 * vector of one joint forward per pair: P(match) is the ITM head's softmax on "match", the answer the classifier's most
 * probable entry of the answer vocabulary.
 */
public interface PooledPairHeads extends ImageTextMatching, QuestionAnswering {
  /** images [B, 3, S, S], ids and atts [B, L] → the pooled pair vector [B, D] of one joint forward. */
  NDArray pairVector(NDArray images, NDArray ids, NDArray atts);

  /** pooled [B, D] → ITM logits [B, 2] (no match, match). */
  NDArray itmLogits(NDArray pooled);

  /** pooled [B, D] → answer logits [B, answers]. */
  NDArray vqaLogits(NDArray pooled);

  /** The answers {@link #vqaLogits} scores, in order. */
  List<String> answerVocabulary();

  @Override
  default NDArray matchProbability(NDArray images, NDArray ids, NDArray atts) {
    try (NoGrad ignored = NoGrad.open()) {
      return itmLogits(pairVector(images, ids, atts)).softmax(1).get(new NDIndex(":, 1"));
    }
  }

  /** The most probable answer of the vocabulary and its softmax probability. */
  @Override
  default List<Answer> answer(NDArray images, NDArray ids, NDArray atts, Tokenizer tokenizer) {
    try (NoGrad ignored = NoGrad.open()) {
      return QuestionAnswering.best(vqaLogits(pairVector(images, ids, atts)), answerVocabulary());
    }
  }
}
