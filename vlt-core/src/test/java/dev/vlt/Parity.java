package dev.vlt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.io.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** Comparisons against reference tensors, with the fixtures' tolerance rule: |Δ| ≤ rel · max(1, max|ref|). */
public final class Parity {
  private Parity() {}

  public static Map<String, NDArray> load(NDManager m, Path file) {
    try (SafeTensors st = SafeTensors.open(file)) {
      return st.loadAll(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Max absolute difference; fails on a shape mismatch. */
  public static double maxAbsDiff(NDArray expected, NDArray actual) {
    assertEquals(expected.getShape(), actual.getShape(), "shape");
    double[] e = expected.toType(DataType.FLOAT64, false).toDoubleArray();
    double[] a = actual.toType(DataType.FLOAT64, false).toDoubleArray();
    double max = 0;
    for (int i = 0; i < e.length; i++) {
      if (Double.isInfinite(e[i]) && e[i] == a[i]) continue;
      max = Math.max(max, Math.abs(e[i] - a[i]));
      if (Double.isNaN(a[i])) return Double.POSITIVE_INFINITY;
    }
    return max;
  }

  public static double maxAbs(NDArray x) {
    double[] v = x.toType(DataType.FLOAT64, false).toDoubleArray();
    double m = 0;
    for (double d : v) if (!Double.isInfinite(d)) m = Math.max(m, Math.abs(d));
    return m;
  }

  /** Asserts |Δ| ≤ rel·max(1, max|expected|) and returns the measured max error. */
  public static double assertClose(String name, NDArray expected, NDArray actual, double rel) {
    double err = maxAbsDiff(expected, actual);
    double tol = rel * Math.max(1, maxAbs(expected));
    assertTrue(err <= tol, () -> name + ": max |Δ| " + err + " > tolerance " + tol);
    return err;
  }
}
