package dev.vlt.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/** Compares autograd gradients with central finite differences in float64 on a few entries of every parameter. */
public final class GradCheck {
  private GradCheck() {}

  /** @param loss computes a scalar from the module's current parameters (inputs captured, float64) */
  public static int check(Module module, Supplier<NDArray> loss, int entriesPerParam) {
    Map<String, Parameter> params = module.namedParameters();
    for (Parameter p : params.values()) assertTrue(p.value().getDataType() == DataType.FLOAT64, "cast the module to float64");
    Map<String, double[]> analytic = new java.util.LinkedHashMap<>();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray l = loss.get();
      gc.backward(l);
    }
    params.forEach((n, p) -> analytic.put(n, p.value().getGradient().toDoubleArray()));
    SplittableRandom rng = new SplittableRandom(7);
    int checked = 0;
    double h = 1e-6;
    try (NoGrad ng = NoGrad.open()) {
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        NDArray v = e.getValue().value();
        double[] base = v.toDoubleArray();
        double[] grad = analytic.get(e.getKey());
        assertTrue(allFinite(grad), e.getKey() + " has a non-finite gradient");
        for (int k = 0; k < Math.min(entriesPerParam, base.length); k++) {
          int i = rng.nextInt(base.length);
          double[] w = base.clone();
          w[i] = base[i] + h;
          v.set(w);
          double plus = loss.get().getDouble();
          w[i] = base[i] - h;
          v.set(w);
          double minus = loss.get().getDouble();
          v.set(base);
          double numeric = (plus - minus) / (2 * h);
          double err = Math.abs(numeric - grad[i]);
          double tol = 1e-6 * Math.max(1, Math.abs(numeric));
          String msg = e.getKey() + "[" + i + "] analytic " + grad[i] + " numeric " + numeric;
          assertTrue(err <= tol, msg);
          checked++;
        }
      }
    }
    return checked;
  }

  /**
   * The standard layer check: initialises {@code layer} in float64 (parameters that start at zero, such as biases or a
   * zero-initialised branch, get small random values so every path carries a gradient), checks the output shape, then
   * finite differences of Σ out·r for a fixed random r on a few entries of every parameter.
   */
  public static void checkLayer(NDManager m, Module layer, Function<Module, NDArray> forward, long... outShape) {
    layer.initialize(m, 3);
    layer.castTo(DataType.FLOAT64);
    perturbZeros(m, layer);
    NDArray out = forward.apply(layer);
    assertEquals(new Shape(outShape), out.getShape());
    NDArray r = m.randomNormal(new Shape(outShape), DataType.FLOAT32).toType(DataType.FLOAT64, false);
    assertTrue(check(layer, () -> forward.apply(layer).mul(r).sum(), 4) > 0, "no entries were checked");
  }

  /** Gives every all-zero parameter small random values (in its own dtype). */
  public static void perturbZeros(NDManager m, Module module) {
    for (Parameter p : module.namedParameters().values()) {
      if (p.value().abs().max().toType(DataType.FLOAT64, false).getDouble() == 0) {
        p.set(m.randomNormal(p.shape(), DataType.FLOAT32).mul(0.1).toType(p.value().getDataType(), false));
      }
    }
  }

  /**
   * After a backward pass: every trainable parameter of {@code module} holds a finite gradient that is not all zero, and no
   * frozen one (a fixed position table, a momentum copy) recorded any. Returns how many trainable parameters were checked.
   */
  public static int assertEveryParameterLearns(Module module) {
    int trainable = 0;
    for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
      NDArray v = e.getValue().value();
      if (e.getValue().isFrozen()) {
        assertFalse(v.hasGradient(), e.getKey() + " is frozen and must not train");
        continue;
      }
      double[] g = v.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
      assertTrue(allFinite(g), e.getKey() + " has a non-finite gradient");
      assertTrue(java.util.Arrays.stream(g).anyMatch(x -> x != 0), e.getKey() + " got no gradient");
      trainable++;
    }
    return trainable;
  }

  private static boolean allFinite(double[] a) {
    for (double d : a) if (!Double.isFinite(d)) return false;
    return true;
  }
}
