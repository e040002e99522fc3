package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;

/**
 * ALBEF's answers to B questions from a candidate list: the k candidates most likely by their first token, re-ranked by
 * their whole sequence's likelihood.
 *
 * @param questionStates the fused question states [B, L, H]
 * @param firstTokenScores the decoder's scores after the start token [B, 1, V]
 * @param candidateScores the decoder's scores over each question's k candidates [B·k, M, V], in first-token order
 * @param candidateNll −log p of each candidate's tokens after [CLS] [B·k] (its first token counted again: ALBEF's rule)
 * @param ids the chosen candidates' indices into the answer list, best first [B, k] (int64)
 * @param probs their probabilities, renormalised over the k [B, k]
 */
public record AnswerRanking(
    NDArray questionStates, NDArray firstTokenScores, NDArray candidateScores, NDArray candidateNll, NDArray ids,
    NDArray probs) {}
