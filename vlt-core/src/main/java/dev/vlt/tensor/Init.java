package dev.vlt.tensor;

import java.util.SplittableRandom;

/** How a parameter is initialised; values are drawn on the host from a seeded generator so runs are reproducible. */
public sealed interface Init {
  /** Fills {@code out} (row-major) for a parameter of the given shape. */
  void fill(float[] out, long[] shape, SplittableRandom rng);

  record Normal(double std) implements Init {
    @Override
    public void fill(float[] out, long[] shape, SplittableRandom rng) {
      for (int i = 0; i < out.length; i++) out[i] = (float) (gaussian(rng) * std);
    }
  }

  /** U(-bound, bound) with bound = 1/sqrt(fan_in), PyTorch's default for Linear and conv (kaiming_uniform with a=sqrt(5)). */
  record FanInUniform() implements Init {
    @Override
    public void fill(float[] out, long[] shape, SplittableRandom rng) {
      long fanIn = 1;
      for (int i = 1; i < shape.length; i++) fanIn *= shape[i];
      double bound = 1.0 / Math.sqrt(Math.max(1, fanIn));
      for (int i = 0; i < out.length; i++) out[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    }
  }

  record Constant(double value) implements Init {
    @Override
    public void fill(float[] out, long[] shape, SplittableRandom rng) {
      java.util.Arrays.fill(out, (float) value);
    }
  }

  /**
   * Given values, row-major (e.g. a fixed sin-cos position table). The array is copied on construction and on every fill,
   * so neither the caller nor a filled parameter can change it.
   */
  record Values(float[] values) implements Init {
    public Values {
      values = values.clone();
    }

    @Override
    public void fill(float[] out, long[] shape, SplittableRandom rng) {
      if (out.length != values.length) {
        throw new IllegalArgumentException("fixed values have " + values.length + " entries, the parameter " + out.length);
      }
      System.arraycopy(values, 0, out, 0, out.length);
    }

    @Override
    public float[] values() {
      return values.clone();
    }
  }

  /**
   * Random unit vectors stored as the columns of a 2-D shape [D, N]: standard normal entries, each column scaled to unit
   * L2 norm, as MoCo and ALBEF initialise their feature queues.
   */
  record UnitColumns() implements Init {
    @Override
    public void fill(float[] out, long[] shape, SplittableRandom rng) {
      if (shape.length != 2) throw new IllegalArgumentException("unit columns need a 2-D shape, got " + shape.length + "-D");
      int rows = Math.toIntExact(shape[0]);
      int cols = Math.toIntExact(shape[1]);
      double[] g = new double[out.length];
      for (int i = 0; i < g.length; i++) g[i] = gaussian(rng);
      for (int c = 0; c < cols; c++) {
        double sq = 0;
        for (int r = 0; r < rows; r++) sq += g[r * cols + c] * g[r * cols + c];
        double norm = Math.max(Math.sqrt(sq), 1e-12);
        for (int r = 0; r < rows; r++) out[r * cols + c] = (float) (g[r * cols + c] / norm);
      }
    }
  }

  Init ZEROS = new Constant(0);
  Init ONES = new Constant(1);

  static Init normal(double std) {
    return new Normal(std);
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
