package dev.vlt.models.loupe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vlt.data.*;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Models;
import dev.vlt.models.grounding.PatchBoxes;
import dev.vlt.tensor.Boxes;
import dev.vlt.tensor.NoGrad;
import java.nio.file.Path;
import java.util.*;
import org.junit.jupiter.api.Test;

class LoupeProbeTest {
  record Soft(float[][] patches, float[][] texts, int target, double scale) implements ShapleyInteraction.Game {
    public int players() { return patches.length; }
    public double value(long s) {
      int e = texts[0].length;
      double[] x = new double[e];
      for (long r = s; r != 0; r &= r - 1) { float[] p = patches[Long.numberOfTrailingZeros(r)]; for (int d = 0; d < e; d++) x[d] += p[d]; }
      double n = 0; for (double v : x) n += v * v; n = Math.sqrt(n);
      double[] logit = new double[texts.length];
      double mx = -1e9;
      for (int k = 0; k < texts.length; k++) { double dot = 0; for (int d = 0; d < e; d++) dot += x[d] * texts[k][d]; logit[k] = n == 0 ? 0 : scale * dot / n; mx = Math.max(mx, logit[k]); }
      double z = 0; for (double l : logit) z += Math.exp(l - mx);
      return logit[target] - mx - Math.log(z);
    }
  }

  @Test
  void probe() throws Exception {
    try (var lm = Models.load(Path.of(System.getProperty("probe.model")))) {
      Loupe model = lm.as(Loupe.class);
      PatchBoxes boxes = PatchBoxes.of(8, 1, 8);
      ModelInputs in = new ModelInputs(new EvalTransform(lm.preprocess()), lm.tokenizer(), 8);
      for (String spec : List.of("shapes:val", "emoji-scenes:test")) {
        GeneratedSource src = (GeneratedSource) DataSources.open(spec, DataOptions.defaults(64).withShapes(3, 40, 0), SkipReport.quiet());
        int[] hits = new int[9]; int total = 0;
        for (int i = 0; i < 40; i++) {
          Sample s = src.get(i);
          List<String> texts = new ArrayList<>(); List<float[]> truth = new ArrayList<>();
          for (Phrase ph : s.phrases()) { texts.add(ph.text()); Box b = s.boxes().get(ph.box()); truth.add(new float[]{b.x0()/64f, b.y0()/64f, b.x1()/64f, b.y1()/64f}); }
          if (texts.isEmpty()) continue;
          try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
            Raster8 img = s.image().load();
            Loupe.Patches p = model.patches(in.pixels(m, List.of(img)));
            NDArray t = model.encodeText(in.ids(m, texts), true);
            float[] e = p.projected().toFloatArray(); float[] tt = t.toFloatArray();
            int E = model.embedDim();
            float[][] pe = new float[64][]; for (int q = 0; q < 64; q++) pe[q] = Arrays.copyOfRange(e, q * E, (q + 1) * E);
            float[][] te = new float[texts.size()][]; for (int k = 0; k < texts.size(); k++) te[k] = Arrays.copyOfRange(tt, k * E, (k + 1) * E);
            double scale = Math.exp(model.logitScale().value().getFloat());
            for (int k = 0; k < texts.size(); k++) {
              float[] map = new float[64];
              for (int q = 0; q < 64; q++) { double d = 0, n = 0; for (int c = 0; c < E; c++) { d += pe[q][c] * te[k][c]; n += pe[q][c] * pe[q][c]; } map[q] = (float) (d / Math.sqrt(n)); }
              hits[0] += Boxes.iou(boxes.box(boxes.best(map)), truth.get(k)) >= 0.5 ? 1 : 0;
              ShapleyInteraction.Game cos = new ShapleyInteraction.CosineGame(pe, te[k]);
              ShapleyInteraction.Game soft = texts.size() > 1 ? new Soft(pe, te, k, scale) : null;
              SplittableRandom r = new SplittableRandom(i * 7 + k);
              int[] arg = new int[8]; double[] best = new double[8];
              Arrays.fill(best, Double.NEGATIVE_INFINITY);
              for (int c = 0; c < boxes.size(); c += 3) {
                long mask = boxes.mask(c); int sz = Long.bitCount(mask);
                double ic = ShapleyInteraction.sample(cos, mask, 4, r).mean();
                double is = soft == null ? 0 : ShapleyInteraction.sample(soft, mask, 4, r).mean();
                double[] v = {ic, -ic, ic / sz, -ic / sz, is, -is, is / sz, -is / sz};
                for (int a = 0; a < 8; a++) if (v[a] > best[a]) { best[a] = v[a]; arg[a] = c; }
              }
              for (int a = 0; a < 8; a++) hits[a + 1] += Boxes.iou(boxes.box(arg[a]), truth.get(k)) >= 0.5 ? 1 : 0;
              total++;
            }
          }
        }
        System.out.println("PROBE " + spec + " n=" + total + " plain-best " + hits[0] + " | cos max " + hits[1] + " min " + hits[2] + " max/m " + hits[3] + " min/m " + hits[4]
            + " | soft max " + hits[5] + " min " + hits[6] + " max/m " + hits[7] + " min/m " + hits[8]);
      }
    }
  }
}
