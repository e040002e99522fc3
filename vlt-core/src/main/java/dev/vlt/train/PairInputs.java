package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.data.Question;
import dev.vlt.data.Sample;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The inputs of the pair objectives fusion models share (METER's, VLC's and FLAVA's): the captions with BERT's masking for MLM, a
 * random other image of the batch shown for half the pairs for ITM (no hard negatives), and every question of every
 * sample with its answer index for a VQA classifier. Draws depend on the seed and each sample's id only.
 *
 * @param caption the captions [B, L] and {@code captionAtts}; @param masked the captions with MLM's replacements
 * @param mlmRows the flat positions (b·L + t) of the masked tokens [K] and {@code mlmLabels} their true ids [K]
 * @param itmImages for pair b, the image row it is shown [B]; {@code itmLabels} 1 where that is its own image
 * @param question every question of every sample [R, Lq] and {@code questionAtts}; {@code questionImages} [R] the image
 *     row each is about; {@code answers} their answer indices [R] (all four null when no vocabulary was given)
 */
public record PairInputs(NDArray images, NDArray caption, NDArray captionAtts, NDArray masked, NDArray mlmRows,
    NDArray mlmLabels, NDArray itmImages, NDArray itmLabels, NDArray question, NDArray questionAtts, NDArray questionImages,
    NDArray answers) {
  /** BERT's masking rate. */
  public static final double MASK_PROB = 0.15;

  /**
   * @param maskTokenId the model's [MASK] id
   * @param vocabulary the model's answers, or null to collate no questions
   * @param questionsPerSample at most this many questions of each sample, a subset drawn afresh per pass over the data
   *     (from the seed, the loader's position and the id); Integer.MAX_VALUE asks every question
   */
  static PairInputs collate(Batch batch, NDManager manager, Tokenizer tokenizer, long seed, int maskTokenId,
      List<String> vocabulary, int questionsPerSample) {
    int b = batch.size();
    long pad = tokenizer.padId();
    long[][] caption = SampleQuestions.trim(batch.tokens(), pad);
    int l = caption[0].length;
    long[][] masked = new long[b][];
    List<Long> rows = new ArrayList<>();
    List<Long> labels = new ArrayList<>();
    long[] itmImages = new long[b];
    long[] itmLabels = new long[b];
    for (int i = 0; i < b; i++) {
      SplittableRandom rng = new SplittableRandom(SplitMix.mix(seed, batch.samples().get(i).id().hashCode()));
      masked[i] = TokenMasking.mask(caption[i], pad, maskTokenId, MASK_PROB, rng, i * (long) l, rows, labels);
      boolean swap = b > 1 && rng.nextBoolean();
      itmImages[i] = swap ? (i + 1 + rng.nextInt(b - 1)) % b : i;
      itmLabels[i] = swap ? 0 : 1;
    }
    TokenMasking.atLeastOne(caption, masked, maskTokenId, rows, labels);
    NDArray captionIds = manager.create(caption);
    NDArray captionAtts = captionIds.neq(pad).toType(DataType.INT64, false);
    NDArray maskedIds = manager.create(masked);
    NDArray mlmRows = manager.create(rows.stream().mapToLong(Long::longValue).toArray());
    NDArray mlmLabels = manager.create(labels.stream().mapToLong(Long::longValue).toArray());
    if (vocabulary == null) {
      return new PairInputs(batch.images(), captionIds, captionAtts, maskedIds, mlmRows, mlmLabels, manager.create(itmImages),
          manager.create(itmLabels), null, null, null, null);
    }
    List<String> questions = new ArrayList<>();
    List<Long> answers = new ArrayList<>();
    List<Long> questionImages = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      Sample s = batch.samples().get(i);
      if (s.questions().isEmpty()) SampleQuestions.pick(s, seed);                     // the error naming the sample
      for (Question q : asked(s, batch, seed, questionsPerSample)) {
        int answer = vocabulary.indexOf(q.answer());
        if (answer < 0) {
          throw new IllegalArgumentException(s.location() + ": the answer '" + q.answer() + "' is not among the model's "
              + vocabulary.size() + " answers");
        }
        questions.add(q.text());
        answers.add((long) answer);
        questionImages.add((long) i);
      }
    }
    NDArray q = manager.create(SampleQuestions.trim(tokenizer.tokenize(questions), pad));
    return new PairInputs(batch.images(), captionIds, captionAtts, maskedIds, mlmRows, mlmLabels, manager.create(itmImages),
        manager.create(itmLabels), q, q.neq(pad).toType(DataType.INT64, false),
        manager.create(questionImages.stream().mapToLong(Long::longValue).toArray()),
        manager.create(answers.stream().mapToLong(Long::longValue).toArray()));
  }

  /** Every question of {@code s}, or {@code k} of them in their order, drawn per pass over the data. */
  private static List<Question> asked(Sample s, Batch batch, long seed, int k) {
    List<Question> all = s.questions();
    if (all.size() <= k) return all;
    long pass = SplitMix.mix(SplitMix.mix(seed ^ 0x51ED_270BL, batch.next().epoch()), batch.next().index());
    SplittableRandom rng = new SplittableRandom(SplitMix.mix(pass, s.id().hashCode()));
    boolean[] pick = new boolean[all.size()];
    for (int chosen = 0; chosen < k; ) {
      int i = rng.nextInt(all.size());
      if (!pick[i]) {
        pick[i] = true;
        chosen++;
      }
    }
    List<Question> out = new ArrayList<>(k);
    for (int i = 0; i < all.size(); i++) if (pick[i]) out.add(all.get(i));
    return out;
  }

  /**
   * Refuses a tokenizer that writes the [MASK] id as a real token (when it is the vocabulary's last id, the model's
   * tokenizer spec keeps below it; a tokenizer trained for another vocabulary may not).
   */
  static void checkMaskId(Tokenizer tokenizer, int maskTokenId, int vocabSize, String model) {
    if (tokenizer.vocabSize() > maskTokenId && maskTokenId == vocabSize - 1) {
      throw new IllegalArgumentException("the tokenizer writes " + tokenizer.vocabSize() + " ids, so " + model + "'s [MASK] id "
          + maskTokenId + " would collide with a real token");
    }
  }
}
