package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.bert.BertEmbeddings;
import dev.vlt.models.bert.BertEmbeddingsConfig;
import dev.vlt.models.bert.BertPredictionHead;
import dev.vlt.models.bert.PredictionHeadConfig;
import dev.vlt.models.fusion.CrossAttentionFusion;
import dev.vlt.models.fusion.FusionConfig;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;

/**
 * ALBEF's answer decoder (torchmultimodal's ALBEFDecoder): its own BERT embeddings ({@code text_embeddings}), a fusion
 * stack used causally ({@code multimodal_encoder}: causal self-attention over the answer, cross-attention to the
 * question's fused states) and a causal-LM head ({@code prediction_head}).
 */
public final class AnswerDecoder extends Module {
  /** The label of positions that do not count (torch's cross-entropy ignore_index). */
  public static final long IGNORE = -100;

  private final BertEmbeddings textEmbeddings;
  private final CrossAttentionFusion multimodalEncoder;
  private final BertPredictionHead predictionHead;

  public AnswerDecoder(BertEmbeddingsConfig embeddings, FusionConfig fusion, PredictionHeadConfig head) {
    textEmbeddings = child("text_embeddings", new BertEmbeddings(embeddings));
    multimodalEncoder = child("multimodal_encoder", new CrossAttentionFusion(fusion, fusion.hiddenSize()));
    predictionHead = child("prediction_head", new BertPredictionHead(head));
  }

  /**
   * Next-token scores of answers given their questions, row n of each input belonging together.
   *
   * @param answers [N, M] ids, starting with [CLS]; @param answerAtts [N, M] (0 after the end)
   * @param questionStates the question's fused states [N, L, H]; @param questionAtts [N, L]
   * @return scores [N, M, vocab]; position t predicts token t+1
   */
  public NDArray forward(NDArray answers, NDArray answerAtts, NDArray questionStates, NDArray questionAtts) {
    NDArray x = textEmbeddings.forward(answers);
    NDArray selfMask = Ops.additiveMask(selfAttentionMask(answerAtts), x.getDataType());          // [N, 1, M, M]
    NDArray crossMask = Ops.keyPaddingMask(questionAtts, x.getDataType());                        // [N, 1, 1, L]
    return predictionHead.forward(multimodalEncoder.forward(x, selfMask, questionStates, crossMask));
  }

  /** The self-attention keep-mask [N, 1, M, M] (int64): key j is visible to query i iff j ≤ i and j is not padding. */
  public static NDArray selfAttentionMask(NDArray answerAtts) {
    int n = Math.toIntExact(answerAtts.getShape().get(0));
    int m = Math.toIntExact(answerAtts.getShape().get(1));
    long[] atts = answerAtts.toType(DataType.INT64, false).toLongArray();
    long[] keep = new long[n * m * m];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < m; i++) for (int j = 0; j <= i; j++) keep[(s * m + i) * m + j] = atts[s * m + j] != 0 ? 1 : 0;
    }
    return answerAtts.getManager().create(keep, new Shape(n, 1, m, m));
  }

  /** Teacher-forcing labels: the ids with padding replaced by {@link #IGNORE}, [N, M] int64. */
  public static NDArray labels(NDArray answers, long padId) {
    long[] ids = answers.toType(DataType.INT64, false).toLongArray();
    for (int i = 0; i < ids.length; i++) if (ids[i] == padId) ids[i] = IGNORE;
    return answers.getManager().create(ids, answers.getShape());
  }

  /** −log p(answer) under teacher forcing, Σ over its tokens after the first: scores [N, M, V], labels [N, M] → [N]. */
  public static NDArray sequenceNll(NDArray scores, NDArray labels) {
    return Ops.nextTokenNll(scores, labels, IGNORE).sum(new int[] {1});
  }
}
