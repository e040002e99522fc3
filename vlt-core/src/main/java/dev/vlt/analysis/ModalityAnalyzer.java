package dev.vlt.analysis;

import dev.vlt.infer.ModelInputs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.models.msclip.MsClip;
import dev.vlt.models.msclip.MsClip.AttentionSite;
import dev.vlt.models.msclip.MsClip.Modality;
import dev.vlt.tensor.NoGrad;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an MS-CLIP (any point of the spectrum, vanilla CLIP included) over matched pairs and measures, for every block
 * both modalities run and every head: the CKA of the head's token-averaged outputs between image and caption (Kornblith
 * et al. 2019; a pair is one example seen through two modalities), and the head's normalised attention entropy on each
 * modality (the per-head entropy statistic of Clark et al., "What Does BERT Look At?", 2019, divided by log(#keys) so
 * that 17 image tokens and 8 text tokens compare). Attention maps themselves cannot be compared directly: images and
 * captions have different lengths and no token correspondence. Also the {@link ModalityGap} of the final embeddings.
 */
public final class ModalityAnalyzer {
  private ModalityAnalyzer() {}

  /** Per (block, head): the pooled rows of both modalities and the entropy sums. */
  private static final class Acc {
    final List<double[]> image = new ArrayList<>();
    final List<double[]> text = new ArrayList<>();
    double imageEntropy;
    long imageCount;
    double textEntropy;
    long textCount;
  }

  public static ModalityAnalysis run(String name, MsClip model, ModelInputs inputs, Pairs pairs) {
    List<AttentionSite> imageSites = model.attentionSites(Modality.IMAGE);
    Map<Integer, AttentionSite> textSites = new HashMap<>();
    for (AttentionSite s : model.attentionSites(Modality.TEXT)) textSites.put(s.layer(), s);
    int heads = model.config().heads();
    Map<Integer, Acc[]> acc = new LinkedHashMap<>();
    for (AttentionSite s : imageSites) {
      if (!textSites.containsKey(s.layer())) continue;
      Acc[] perHead = new Acc[heads];
      for (int h = 0; h < heads; h++) perHead[h] = new Acc();
      acc.put(s.layer(), perHead);
    }
    float[][] img = new float[pairs.size()][];
    float[][] txt = new float[pairs.size()][];
    for (int from = 0; from < pairs.size(); from += inputs.batchSize()) {
      int to = Math.min(pairs.size(), from + inputs.batchSize());
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        NDArray ids = inputs.ids(m, pairs.captions().subList(from, to));
        Map<String, NDArray> trace = new HashMap<>();
        ClipOutput out = model.forward(inputs.pixels(m, pairs.images().subList(from, to)), ids, trace::put);
        ModelInputs.copyRows(out.imageFeatures(), img, from);
        ModelInputs.copyRows(out.textFeatures(), txt, from);
        long[] eot = trace.get("text.eot_index").toLongArray();
        for (Map.Entry<Integer, Acc[]> e : acc.entrySet()) {
          int layer = e.getKey();
          NDArray imageIn = trace.get("vision.attn_in." + layer);
          AttentionSite imageSite = imageSites.stream().filter(s -> s.layer() == layer).findFirst().orElseThrow();
          addImage(AttentionHeads.of(imageSite.attention(), imageIn, null), e.getValue());
          NDArray textIn = trace.get("text.attn_in." + layer);
          NDArray mask = model.attentionMask(Modality.TEXT, ids, textIn);
          addText(AttentionHeads.of(textSites.get(layer).attention(), textIn, mask), eot, e.getValue());
        }
      }
    }
    List<HeadStats> stats = new ArrayList<>();
    for (Map.Entry<Integer, Acc[]> e : acc.entrySet()) {
      boolean shared = textSites.get(e.getKey()).shared();
      for (int h = 0; h < heads; h++) {
        Acc a = e.getValue()[h];
        stats.add(new HeadStats(e.getKey(), h, shared, Cka.linear(a.image.toArray(double[][]::new), a.text.toArray(double[][]::new)),
            a.imageEntropy / a.imageCount, a.textEntropy / a.textCount));
      }
    }
    return new ModalityAnalysis(name, ModalityGap.of(img, txt), stats);
  }

  /** Images: every token is real and sees every token. */
  private static void addImage(AttentionHeads heads, Acc[] acc) {
    long[] lengths = new long[(int) heads.outputs().getShape().get(0)];
    java.util.Arrays.fill(lengths, heads.outputs().getShape().get(2));              // all L tokens of each image
    add(heads, lengths, false, acc);
  }

  /** Text: tokens 0..eot are real; query q sees keys 0..q under the causal mask. */
  private static void addText(AttentionHeads heads, long[] eot, Acc[] acc) {
    long[] lengths = new long[eot.length];
    for (int i = 0; i < eot.length; i++) lengths[i] = eot[i] + 1;
    add(heads, lengths, true, acc);
  }

  private static void add(AttentionHeads heads, long[] lengths, boolean causal, Acc[] acc) {
    long[] s = heads.outputs().getShape().getShape();                                 // [B, H, L, d]
    int b = (int) s[0];
    int h = (int) s[1];
    int l = (int) s[2];
    int d = (int) s[3];
    float[] out = heads.outputs().toType(DataType.FLOAT32, false).toFloatArray();
    float[] p = heads.probabilities().toType(DataType.FLOAT32, false).toFloatArray(); // [B, H, L, L]
    for (int i = 0; i < b; i++) {
      int n = (int) lengths[i];
      for (int head = 0; head < h; head++) {
        double[] pooled = new double[d];
        for (int t = 0; t < n; t++) {
          int base = ((i * h + head) * l + t) * d;
          for (int k = 0; k < d; k++) pooled[k] += out[base + k] / n;
          int keys = causal ? t + 1 : l;
          if (keys < 2) continue;                                                     // one key: no choice to measure
          double entropy = 0;
          int row = ((i * h + head) * l + t) * l;
          for (int k = 0; k < keys; k++) {
            double q = p[row + k];
            if (q > 0) entropy -= q * Math.log(q);
          }
          if (causal) {
            acc[head].textEntropy += entropy / Math.log(keys);
            acc[head].textCount++;
          } else {
            acc[head].imageEntropy += entropy / Math.log(keys);
            acc[head].imageCount++;
          }
        }
        (causal ? acc[head].text : acc[head].image).add(pooled);
      }
    }
  }
}
