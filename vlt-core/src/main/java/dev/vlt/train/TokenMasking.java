package dev.vlt.train;

import java.util.List;
import java.util.SplittableRandom;

/**
 * BERT's masking for masked language modeling (Devlin et al. 2019), shared by the tasks that reconstruct text (METER's
 * MLM, SimLA's XMM): each content token is chosen with probability {@code prob}; a chosen token becomes [MASK] 80 % of the
 * time, a random real token 10 %, and stays 10 %. Content tokens are those between the first (start / [CLS]) and the last
 * real one (end / [SEP]); padding never counts.
 */
final class TokenMasking {
  private TokenMasking() {}

  /** The index one past the last content token of a padded row: the position of its last real (end) token. */
  static int contentEnd(long[] ids, long pad) {
    int end = ids.length;
    while (end > 0 && ids[end - 1] == pad) end--;
    return end - 1;
  }

  /**
   * One row's masked copy; the flat positions (rowStart + t) of the chosen tokens go to {@code rows} and their true ids to
   * {@code labels}. Random replacements are ids 1 .. maskId − 1 (id 0 pads; the mask id is the vocabulary's last).
   */
  static long[] mask(long[] ids, long pad, int maskId, double prob, SplittableRandom rng, long rowStart, List<Long> rows,
      List<Long> labels) {
    long[] out = ids.clone();
    int end = contentEnd(ids, pad);
    for (int t = 1; t < end; t++) {
      if (rng.nextDouble() >= prob) continue;
      rows.add(rowStart + t);
      labels.add(ids[t]);
      double r = rng.nextDouble();
      if (r < 0.8) out[t] = maskId;
      else if (r < 0.9) out[t] = 1 + rng.nextInt(maskId - 1);
    }
    return out;
  }

  /**
   * When no row drew a single masked token, masks the first content token of row 0 (in {@code masked}, with its flat
   * position and true id added), so a masked-token loss over the batch is always defined.
   */
  static void atLeastOne(long[][] ids, long[][] masked, int maskId, List<Long> rows, List<Long> labels) {
    if (!rows.isEmpty()) return;
    rows.add(1L);
    labels.add(ids[0][1]);
    masked[0][1] = maskId;
  }
}
