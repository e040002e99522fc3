package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * SimLA's pseudo-keyword prediction (PSL, Khan et al. 2022 §3.3): each head of the momentum fusion's last layer votes for
 * the caption positions its [CLS] attends to most; the most voted positions are the caption's keywords, and their token
 * ids a multi-hot target over the vocabulary that the image's global embedding must predict, with binary cross-entropy
 * per vocabulary entry. The image thus learns the concepts the caption's alignment rests on, not just a pairing.
 */
public final class PseudoKeywordLoss {
  private PseudoKeywordLoss() {}

  /**
   * The keyword target, computed on the host (a few numbers per caption).
   *
   * @param clsAttention [B, heads, L] each head's attention from [CLS] to every caption position
   * @param ids [B, L] the caption's token ids
   * @param eligible [B, L] 1 where a position may be a keyword (a real content token: not [CLS], the end token or padding)
   * @param perHead positions each head votes for (its top attention among eligible positions)
   * @param keywords positions kept: the most voted, ties broken by the summed attention (positions with no vote never)
   * @param vocab the vocabulary size V
   * @return [B, V] float, 1 at the keywords' ids
   */
  public static NDArray targets(NDArray clsAttention, NDArray ids, NDArray eligible, int perHead, int keywords, int vocab) {
    Shape s = clsAttention.getShape();
    int b = Math.toIntExact(s.get(0));
    int heads = Math.toIntExact(s.get(1));
    int l = Math.toIntExact(s.get(2));
    if (!ids.getShape().equals(new Shape(b, l)) || !eligible.getShape().equals(new Shape(b, l))) {
      throw new IllegalArgumentException("ids " + ids.getShape() + " and eligible " + eligible.getShape() + " must be [" + b + ", " + l + "]");
    }
    float[] att = clsAttention.toType(DataType.FLOAT32, false).toFloatArray();
    long[] tok = ids.toType(DataType.INT64, false).toLongArray();
    long[] ok = eligible.toType(DataType.INT64, false).toLongArray();
    float[] target = new float[b * vocab];
    for (int r = 0; r < b; r++) {
      int[] votes = new int[l];
      double[] mass = new double[l];
      for (int h = 0; h < heads; h++) {
        int base = (r * heads + h) * l;
        for (int t = 0; t < l; t++) if (ok[r * l + t] != 0) mass[t] += att[base + t];
        boolean[] taken = new boolean[l];
        for (int k = 0; k < perHead; k++) {
          int best = -1;
          for (int t = 0; t < l; t++) {
            if (ok[r * l + t] == 0 || taken[t]) continue;
            if (best < 0 || att[base + t] > att[base + best]) best = t;
          }
          if (best < 0) break;
          taken[best] = true;
          votes[best]++;
        }
      }
      boolean[] kept = new boolean[l];
      for (int k = 0; k < keywords; k++) {
        int best = -1;
        for (int t = 0; t < l; t++) {
          if (votes[t] == 0 || kept[t]) continue;
          if (best < 0 || votes[t] > votes[best] || votes[t] == votes[best] && mass[t] > mass[best]) best = t;
        }
        if (best < 0) break;
        kept[best] = true;
        long id = tok[r * l + best];
        if (id < 0 || id >= vocab) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + vocab);
        target[r * vocab + (int) id] = 1f;
      }
    }
    NDManager m = clsAttention.getManager();
    return m.create(target, new Shape(b, vocab));
  }

  /** The term {@code psl_loss}: mean binary cross-entropy of keyword logits [B, V] against targets [B, V]. */
  public static LossTerms compute(NDArray logits, NDArray targets) {
    return LossTerms.of("psl_loss", binaryCrossEntropy(logits, targets));
  }

  /** mean of max(x, 0) − x·t + log(1 + e^(−|x|)), the numerically stable BCE with logits. */
  static NDArray binaryCrossEntropy(NDArray logits, NDArray targets) {
    NDArray t = targets.toType(logits.getDataType(), false);
    return logits.maximum(0f).sub(logits.mul(t)).add(logits.abs().neg().exp().add(1f).log()).mean();
  }
}
