package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.ModelModule;
import dev.vlt.models.QuestionAnswering;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Momentum;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * ALBEF for visual question answering, laid out as torchmultimodal's ALBEFModelForVQA: the encoders ({@code model}) fuse
 * image and question, and an answer decoder ({@code answer_decoder}, with a momentum copy {@code answer_decoder_m})
 * generates the answer from the question's fused states. Training decodes the reference answers with teacher forcing;
 * inference ranks a candidate list.
 *
 * <p>One training step: {@link #momentumUpdate()}, {@link #trainingForward}, the answer loss, backward and the optimizer.
 */
public final class AlbefVqa extends Module implements ModelModule, QuestionAnswering {
  /** How many candidates inference decodes whole per question (ALBEF's k_test). */
  public static final int RANK_K = 128;

  private final AlbefVqaConfig cfg;
  private final AlbefModel model;
  private final AnswerDecoder answerDecoder;
  private final AnswerDecoder answerDecoderM;

  public AlbefVqa(AlbefVqaConfig cfg) {
    this.cfg = cfg;
    model = child("model", new AlbefModel(cfg.vision(), cfg.text(), cfg.fusion(), cfg.momentum()));
    answerDecoder = child("answer_decoder", new AnswerDecoder(cfg.answerEmbeddings(), cfg.fusion(), cfg.predictionHead()));
    answerDecoderM = child("answer_decoder_m", new AnswerDecoder(cfg.answerEmbeddings(), cfg.fusion(), cfg.predictionHead()));
    answerDecoderM.freeze(true);
  }

  /** p_m ← p_m·m + p·(1 − m) for the encoders' copies and the decoder's. Call before {@link #trainingForward}. */
  public void momentumUpdate() {
    model.momentumUpdate();
    Momentum.update(answerDecoder, answerDecoderM, cfg.momentum());
  }

  /** Sets every momentum copy to its online module, as ALBEF's copies start; call after initialising the weights. */
  public void resetMomentum() {
    model.resetMomentum();
    Momentum.copy(answerDecoder, answerDecoderM);
  }

  /**
   * The training forward: question n's fused states (online and momentum) repeated for each of its answers, then both
   * decoders over the answers.
   *
   * @param images [B, 3, S, S]; @param question and @param questionAtts [B, L]
   * @param answers [N, M], each "[CLS] … [SEP]" then padding; @param answerAtts [N, M]
   * @param answerCounts how many of the N answers belong to each question, in order (sums to N)
   */
  public VqaOutput trainingForward(NDArray images, NDArray question, NDArray questionAtts, NDArray answers, NDArray answerAtts,
      long[] answerCounts) {
    int b = Math.toIntExact(question.getShape().get(0));
    if (answerCounts.length != b) {
      throw new IllegalArgumentException(answerCounts.length + " answer counts for " + b + " questions");
    }
    long[] rows = new long[Math.toIntExact(answers.getShape().get(0))];
    int n = 0;
    for (int q = 0; q < b; q++) {
      for (long c = 0; c < answerCounts[q]; c++, n++) {
        if (n >= rows.length) throw new IllegalArgumentException("answer counts sum past the " + rows.length + " answers");
        rows[n] = q;
      }
    }
    if (n != rows.length) {
      throw new IllegalArgumentException("answer counts sum to " + n + ", not the " + rows.length + " answers");
    }
    AlbefEncoding online = model.encode(images, question, questionAtts);
    AlbefEncoding momentum = model.encodeMomentum(images, question, questionAtts);
    NDArray index = question.getManager().create(rows);
    NDArray atts = questionAtts.get(new NDIndex("{}", index));
    NDArray scoresM;
    try (NoGrad ignored = NoGrad.open()) {
      scoresM = answerDecoderM.forward(answers, answerAtts, momentum.multimodal().get(new NDIndex("{}", index)), atts);
    }
    NDArray scores = answerDecoder.forward(answers, answerAtts, online.multimodal().get(new NDIndex("{}", index)), atts);
    NDArray labels = AnswerDecoder.labels(answers, cfg.answerEmbeddings().padId());
    return new VqaOutput(online.multimodal(), labels, scores, scoresM, b);
  }

  /**
   * Answers B questions from a candidate list (ALBEF's inference): the decoder's first-step distribution after [CLS]
   * scores each candidate by its first token; the k best are decoded whole and re-ranked by log p(first token) − their
   * sequence NLL, renormalised over the k. Ties keep the lower candidate index. Runs without autograd.
   *
   * @param answers [N, M] candidates, each "[CLS] … [SEP]" then padding, first tokens preferably distinct
   * @param k how many candidates to decode per question (≤ N)
   */
  public AnswerRanking rankAnswers(NDArray images, NDArray question, NDArray questionAtts, NDArray answers,
      NDArray answerAtts, int k) {
    int n = Math.toIntExact(answers.getShape().get(0));
    if (k < 1 || k > n) throw new IllegalArgumentException("k = " + k + " must be between 1 and the " + n + " candidates");
    try (NoGrad ignored = NoGrad.open()) {
      return rank(images, question, questionAtts, answers, answerAtts, k);
    }
  }

  private AnswerRanking rank(NDArray images, NDArray question, NDArray questionAtts, NDArray answers, NDArray answerAtts,
      int k) {
    int b = Math.toIntExact(question.getShape().get(0));
    int n = Math.toIntExact(answers.getShape().get(0));
    NDManager m = question.getManager();
    AlbefEncoding enc = model.encode(images, question, questionAtts);
    NDArray states = enc.multimodal();                                                            // [B, L, H]
    NDArray start = answers.get(new NDIndex("0, 0")).toType(DataType.INT64, false).reshape(1, 1).repeat(0, b);  // [B, 1]
    NDArray first = answerDecoder.forward(start, m.ones(new Shape(b, 1), DataType.INT64), states, questionAtts);
    NDArray firstTokens = answers.get(new NDIndex(":, 1")).toType(DataType.INT64, false).reshape(1, n).repeat(0, b);
    NDArray pFirst = first.get(new NDIndex(":, 0")).softmax(-1).gather(firstTokens, 1);           // [B, N]
    long[] topk = topK(pFirst, k);                                                                // [B·k] candidate ids
    NDArray topkIds = m.create(topk, new Shape(b, k));
    NDArray topkProbs = pFirst.gather(topkIds, 1);                                                // [B, k]
    NDArray cand = m.create(topk);
    long[] questionRows = new long[b * k];
    for (int i = 0; i < questionRows.length; i++) questionRows[i] = i / k;
    NDArray qRows = m.create(questionRows);
    NDArray candidates = answers.get(new NDIndex("{}", cand));                                    // [B·k, M]
    NDArray scores = answerDecoder.forward(candidates, answerAtts.get(new NDIndex("{}", cand)),
        states.get(new NDIndex("{}", qRows)), questionAtts.get(new NDIndex("{}", qRows)));
    NDArray nll = AnswerDecoder.sequenceNll(scores, AnswerDecoder.labels(candidates, cfg.answerEmbeddings().padId()));
    NDArray probs = topkProbs.log().sub(nll.reshape(b, k)).softmax(-1);                           // [B, k]
    long[] order = topK(probs, k);                                                                // positions within the k
    NDArray rerank = m.create(order, new Shape(b, k));
    return new AnswerRanking(states, first, scores, nll, topkIds.gather(rerank, 1), probs.gather(rerank, 1));
  }

  /**
   * ALBEF's answer from the config's candidate list (each written by {@code tokenizer} as "[CLS] … [SEP]"), ranked as
   * {@link #rankAnswers} does with k = min(128, candidates); the score is the best candidate's probability renormalised
   * over the k.
   */
  @Override
  public List<Answer> answer(NDArray images, NDArray ids, NDArray atts, Tokenizer tokenizer) {
    List<String> list = cfg.answerList();
    if (list.isEmpty()) {
      throw new IllegalArgumentException("this ALBEF VQA model has no candidate answers: its config needs an answer_list");
    }
    NDManager m = ids.getManager();
    long[][] rows = tokenizer.tokenize(list);
    int width = 1;
    for (long[] r : rows) for (int t = 0; t < r.length; t++) if (r[t] != tokenizer.padId()) width = Math.max(width, t + 1);
    long[][] cut = new long[rows.length][];
    for (int i = 0; i < rows.length; i++) cut[i] = Arrays.copyOf(rows[i], width);
    NDArray answers = m.create(cut);
    NDArray answerAtts = answers.neq(tokenizer.padId()).toType(DataType.INT64, false);
    AnswerRanking r = rankAnswers(images, ids, atts, answers, answerAtts, Math.min(RANK_K, list.size()));
    long[] best = r.ids().get(new NDIndex(":, 0")).toLongArray();
    float[] score = r.probs().get(new NDIndex(":, 0")).toType(DataType.FLOAT32, false).toFloatArray();
    List<Answer> out = new ArrayList<>(best.length);
    for (int i = 0; i < best.length; i++) out.add(new Answer(list.get((int) best[i]), score[i]));
    return out;
  }

  /** Per row of x [R, C], the indices of its k largest entries, largest first (ties: lower index first) → [R·k]. */
  private static long[] topK(NDArray x, int k) {
    int r = Math.toIntExact(x.getShape().get(0));
    int c = Math.toIntExact(x.getShape().get(1));
    double[] v = x.toType(DataType.FLOAT64, false).toDoubleArray();
    long[] out = new long[r * k];
    for (int i = 0; i < r; i++) {
      int row = i;
      Integer[] idx = new Integer[c];
      for (int j = 0; j < c; j++) idx[j] = j;
      Arrays.sort(idx, Comparator.comparingDouble((Integer j) -> -v[row * c + j]).thenComparingInt(j -> j));
      for (int j = 0; j < k; j++) out[i * k + j] = idx[j];
    }
    return out;
  }

  public AlbefModel albef() {
    return model;
  }

  public AnswerDecoder answerDecoder() {
    return answerDecoder;
  }

  @Override
  public AlbefVqaConfig config() {
    return cfg;
  }
}
