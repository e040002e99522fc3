package dev.vlt.train;

import dev.vlt.data.Question;
import dev.vlt.data.Sample;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** What the question-answering tasks share: one question per sample, drawn from the run's seed, and trimmed token rows. */
final class SampleQuestions {
  private SampleQuestions() {}

  /**
   * One of the sample's questions, the same for a sample and seed on every run (so a resumed run asks what the first
   * asked); a sample without questions is an error naming where it came from.
   */
  static Question pick(Sample s, long seed) {
    List<Question> qs = s.questions();
    if (qs.isEmpty()) {
      throw new IllegalArgumentException(s.location() + " has no questions to answer: VQA trains on data with questions "
          + "(--data shapes)");
    }
    return qs.get(new SplittableRandom(SplitMix.mix(seed ^ 0x51A5_0A11L, s.id().hashCode())).nextInt(qs.size()));
  }

  /** Rows of ids cut after the last column any row uses (padding beyond it costs attention and changes nothing). */
  static long[][] trim(long[][] ids, long pad) {
    int width = 1;
    for (long[] r : ids) for (int t = r.length - 1; t >= width; t--) if (r[t] != pad) width = t + 1;
    long[][] out = new long[ids.length][];
    for (int i = 0; i < ids.length; i++) out[i] = Arrays.copyOf(ids[i], width);
    return out;
  }
}
