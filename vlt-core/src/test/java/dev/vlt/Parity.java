package dev.vlt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

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

  /**
   * Every reference output against the produced one of the same name (a missing one fails), by the fixtures' rules:
   * integer tensors (ids, labels, masks stored as int64) exactly; 0-d ones (losses) within {@code rel(name)} relative to
   * the reference; the rest by {@link #assertClose} with {@code rel(name)}, where 0 asks for equality. Returns the error
   * per name, sorted: max |Δ|, a scalar's relative error, 0 for integers.
   */
  public static Map<String, Double> assertAllClose(Map<String, NDArray> expected, Map<String, NDArray> actual,
      ToDoubleFunction<String> rel) {
    Map<String, Double> errors = new TreeMap<>();
    for (Map.Entry<String, NDArray> e : expected.entrySet()) {
      String name = e.getKey();
      NDArray want = e.getValue();
      NDArray got = actual.get(name);
      assertTrue(got != null, "no output produced for " + name);
      if (want.getDataType().isInteger()) {
        assertEquals(want.getShape(), got.getShape(), name);
        long[] ints = got.toType(DataType.INT64, false).toLongArray();
        assertArrayEquals(want.toType(DataType.INT64, false).toLongArray(), ints, name);
        errors.put(name, 0.0);
      } else if (want.getShape().dimension() == 0) {
        double w = want.toType(DataType.FLOAT64, false).getDouble();
        double err = Math.abs(got.toType(DataType.FLOAT64, false).getDouble() - w) / Math.abs(w);
        assertTrue(err <= rel.applyAsDouble(name), () -> name + " " + got.getFloat() + " vs " + w + ": " + err + " relative");
        errors.put(name, err);
      } else {
        errors.put(name, assertClose(name, want, got, rel.applyAsDouble(name)));
      }
    }
    return errors;
  }

  /** {@link #assertAllClose(Map, Map, ToDoubleFunction)} with one tolerance for every name. */
  public static Map<String, Double> assertAllClose(Map<String, NDArray> expected, Map<String, NDArray> actual, double rel) {
    return assertAllClose(expected, actual, name -> rel);
  }
}
