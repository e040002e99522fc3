package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;

/**
 * ALBEF's VQA training forward: every reference answer decoded against its question (answer n belongs to question
 * q(n), the questions' states repeated by their answer counts).
 *
 * @param questionStates the online fused question states [B, L, H]
 * @param labels the answers' teacher-forcing labels [N, M], padding = −100
 * @param scores the answer decoder's next-token scores [N, M, V]
 * @param scoresM the momentum decoder's scores from the momentum question states [N, M, V] (no gradients)
 * @param questions B
 */
public record VqaOutput(NDArray questionStates, NDArray labels, NDArray scores, NDArray scoresM, int questions) {}
