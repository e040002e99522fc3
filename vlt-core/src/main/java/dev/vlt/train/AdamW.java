package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter) with per-parameter weight decay, computed as torch.optim.AdamW's single-tensor path:
 * decoupled decay p·(1 − lr·wd), then the bias-corrected Adam step. Moment buffers live in the optimizer's own manager,
 * outside any step scope. Contiguous fp32 CPU tensors are updated in one pass over their memory ({@link FusedAdamW}), with
 * the same float operations in the same order as the tensor-op path, which remains for everything else.
 */
public final class AdamW {
  public record Hyper(double beta1, double beta2, double eps) {
    public Hyper {
      if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) throw new IllegalArgumentException("betas must be in [0, 1)");
      if (eps <= 0) throw new IllegalArgumentException("eps must be positive");
    }
  }

  private final Map<String, Parameter> params;
  private final Map<String, Double> weightDecay;
  private final Map<String, Double> lrScale;
  private final Hyper hyper;
  private final NDManager manager;
  private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
  private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
  private long step;
  private boolean fusion = !"ops".equals(System.getenv("VLT_ADAMW"));  // VLT_ADAMW=ops: the tensor-op path (diagnosis)

  /** @param weightDecay name → decay for each parameter to optimise (see {@link ParamGroups}); others are left alone */
  public AdamW(Map<String, Parameter> params, Map<String, Double> weightDecay, Hyper hyper, NDManager manager) {
    this(params, weightDecay, Map.of(), hyper, manager);
  }

  /**
   * With parameter groups of their own learning rate: parameter n steps at lr·lrScale[n] (1 when absent), its decoupled
   * decay too, as torch's AdamW does for a group's lr.
   */
  public AdamW(Map<String, Parameter> params, Map<String, Double> weightDecay, Map<String, Double> lrScale, Hyper hyper,
      NDManager manager) {
    this.params = params;
    this.weightDecay = weightDecay;
    this.lrScale = Map.copyOf(lrScale);
    for (String n : lrScale.keySet()) {
      if (!weightDecay.containsKey(n)) throw new IllegalArgumentException("a learning-rate scale for " + n + ", which is not optimised");
    }
    this.hyper = hyper;
    this.manager = manager;
    for (String n : weightDecay.keySet()) {
      Parameter p = params.get(n);
      if (p == null) throw new IllegalArgumentException("no parameter named " + n);
      expAvg.put(n, manager.zeros(p.shape(), p.value().getDataType()));
      expAvgSq.put(n, manager.zeros(p.shape(), p.value().getDataType()));
    }
  }

  /** One update with learning rate {@code lr} from the parameters' current gradients. Call inside the step's scope. */
  public void step(double lr) {
    step(lr, name -> params.get(name).value().getGradient());
  }

  /** One update with gradients supplied by name (e.g. averaged by hand, or read from a reference file). */
  public void step(double lr, java.util.function.Function<String, NDArray> gradients) {
    step++;
    double bc1 = 1 - Math.pow(hyper.beta1(), step);
    double bc2Sqrt = Math.sqrt(1 - Math.pow(hyper.beta2(), step));
    List<FusedAdamW.Slice> fused = new ArrayList<>();
    try (NoGrad ignored = NoGrad.open()) {
      for (Map.Entry<String, Double> e : weightDecay.entrySet()) {
        double groupLr = lr * lrScale.getOrDefault(e.getKey(), 1.0);
        float decay = e.getValue() != 0 ? (float) (1 - groupLr * e.getValue()) : 1f;
        float stepSize = (float) (groupLr / bc1);
        NDArray p = params.get(e.getKey()).value();
        NDArray g = gradients.apply(e.getKey());
        NDArray m = expAvg.get(e.getKey());
        NDArray v = expAvgSq.get(e.getKey());
        FusedAdamW.Slice direct = fusion ? FusedAdamW.slice(p, g, m, v, decay, stepSize) : null;
        if (direct != null) {
          fused.add(direct);
          continue;
        }
        if (decay != 1f) p.muli(decay);
        m.muli((float) hyper.beta1()).addi(g.mul((float) (1 - hyper.beta1())));
        v.muli((float) hyper.beta2()).addi(g.mul(g).muli((float) (1 - hyper.beta2())));
        NDArray denom = v.sqrt().divi((float) bc2Sqrt).addi((float) hyper.eps());
        p.subi(m.div(denom).muli(stepSize));
      }
    }
    FusedAdamW.run(fused, hyper, (float) bc2Sqrt);
  }

  /** Every update through tensor ops (the reference the one-pass path is tested against). */
  AdamW withoutFusion() {
    fusion = false;
    return this;
  }

  public long stepCount() {
    return step;
  }

  /** The moment buffers by name (exp_avg / exp_avg_sq), for checkpoints and tests. */
  public Map<String, NDArray> firstMoments() {
    return expAvg;
  }

  public Map<String, NDArray> secondMoments() {
    return expAvgSq;
  }

  /** Restores state saved from {@link #firstMoments()}, {@link #secondMoments()} and {@link #stepCount()}. */
  public void restore(Map<String, NDArray> m, Map<String, NDArray> v, long steps) {
    for (String n : weightDecay.keySet()) {
      if (!m.containsKey(n) || !v.containsKey(n)) throw new IllegalArgumentException("optimizer state lacks " + n);
      expAvg.get(n).set(m.get(n).toFloatArray());
      expAvgSq.get(n).set(v.get(n).toFloatArray());
    }
    this.step = steps;
  }

  public NDManager manager() {
    return manager;
  }
}
