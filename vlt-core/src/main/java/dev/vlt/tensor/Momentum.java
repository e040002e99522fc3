package dev.vlt.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * A momentum (exponential moving average) copy of a module, as MoCo, ALBEF and BLIP keep one: the copy has the same tree,
 * is frozen, and follows the online weights by p_m ← p_m·m + p·(1 − m). Parameters are paired by their names relative to
 * each module, which must be equal.
 */
public final class Momentum {
  private Momentum() {}

  /**
   * One EMA step, in place on {@code copy}'s parameters and without autograd, computed as torch does in float32: the two
   * products rounded separately, then summed.
   */
  public static void update(Module online, Module copy, double momentum) {
    if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
    try (NoGrad ignored = NoGrad.open()) {
      forEachPair(online, copy, (param, paramM) -> {
        NDArray p = param.value();
        NDArray pm = paramM.value();
        try (NDArray keep = pm.getManager().full(new Shape(), (float) momentum, pm.getDataType());
            NDArray take = p.getManager().full(new Shape(), (float) (1 - momentum), p.getDataType());
            NDArray taken = p.mul(take)) {
          pm.muli(keep).addi(taken);
        }
      });
    }
  }

  /** Gives {@code copy} the values of {@code online} (the deep copy a momentum model starts from), as new arrays. */
  public static void copy(Module online, Module copy) {
    try (NoGrad ignored = NoGrad.open()) {
      forEachPair(online, copy, (p, pm) -> {
        NDArray c = p.value().duplicate();
        c.attach(pm.value().getManager());
        NDScope.unregister(c);
        pm.set(c);
      });
    }
  }

  private interface Pair {
    void apply(Parameter online, Parameter copy);
  }

  private static void forEachPair(Module online, Module copy, Pair op) {
    Map<String, Parameter> a = online.namedParameters();
    Map<String, Parameter> b = copy.namedParameters();
    if (!a.keySet().equals(b.keySet())) {
      throw new IllegalArgumentException("a momentum copy must have the online module's parameters: " + b.size() + " names vs "
          + a.size());
    }
    for (Map.Entry<String, Parameter> e : a.entrySet()) {
      Parameter pm = b.get(e.getKey());
      if (!pm.shape().equals(e.getValue().shape())) {
        throw new IllegalArgumentException(e.getKey() + ": copy shape " + pm.shape() + " differs from " + e.getValue().shape());
      }
      op.apply(e.getValue(), pm);
    }
  }
}
