package dev.vlt.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import dev.vlt.tokenize.Tokenizer;
import java.util.List;

/**
 * The question-answering capability (VQA): an answer to a question about an image, with the model's score for it. A
 * classifier picks from its answer vocabulary (METER), a decoder ranks a candidate list (ALBEF); either way the answers
 * are the model's own, so the tokenizer is passed for models that must tokenize their candidates.
 */
public interface QuestionAnswering {
  /** An answer and the model's probability for it (among the answers it chose from). */
  record Answer(String text, double score) {}

  /**
   * images [B, 3, S, S] normalised pixels; question ids [B, L] and atts [B, L] (1 for a token, 0 for padding), row b
   * asked of image b → B answers in order.
   */
  List<Answer> answer(NDArray images, NDArray ids, NDArray atts, Tokenizer tokenizer);

  /**
   * A classifier's answers: logits [B, answers] over {@code vocabulary} → for each row the most probable answer and its
   * softmax probability.
   */
  static List<Answer> best(NDArray logits, List<String> vocabulary) {
    NDArray p = logits.softmax(1);
    long[] best = p.argMax(1).toType(DataType.INT64, false).toLongArray();
    float[] score = p.max(new int[] {1}).toType(DataType.FLOAT32, false).toFloatArray();
    List<Answer> out = new ArrayList<>(best.length);
    for (int i = 0; i < best.length; i++) out.add(new Answer(vocabulary.get((int) best[i]), score[i]));
    return out;
  }
}
