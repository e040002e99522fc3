package dev.vlt.models.grounding;

import java.util.ArrayList;
import java.util.List;

/**
 * The box proposals of models that ground without a box regressor (SimLA through Grad-CAM, LOUPE through its region
 * scores): vlt has no detector, so the candidates are every rectangle of whole patches on the model's G×G patch grid
 * whose sides span {@code minSide..maxSide} patches. A candidate is a patch-index rectangle; {@link #box} turns it into a
 * normalised (x0, y0, x1, y1) in the model's input frame, and {@link #best} picks the candidate a patch heat map singles
 * out.
 *
 * @param grid patches per side
 * @param rects each candidate as {row0, col0, rows, cols}
 */
public record PatchBoxes(int grid, List<int[]> rects) {
  /** Every rectangle of whole patches with both sides in [minSide, maxSide] patches. */
  public static PatchBoxes of(int grid, int minSide, int maxSide) {
    if (grid < 1 || minSide < 1 || maxSide < minSide || minSide > grid)
      throw new IllegalArgumentException("need 1 <= minSide <= maxSide and minSide <= grid, got grid " + grid + ", sides "
          + minSide + ".." + maxSide);
    List<int[]> rects = new ArrayList<>();
    int top = Math.min(maxSide, grid);
    for (int h = minSide; h <= top; h++)
      for (int w = minSide; w <= top; w++)
        for (int r = 0; r + h <= grid; r++)
          for (int c = 0; c + w <= grid; c++) rects.add(new int[] {r, c, h, w});
    return new PatchBoxes(grid, List.copyOf(rects));
  }

  public int size() {
    return rects.size();
  }

  /** Candidate {@code i} as normalised (x0, y0, x1, y1). */
  public float[] box(int i) {
    int[] q = rects.get(i);
    float g = grid;
    return new float[] {q[1] / g, q[0] / g, (q[1] + q[3]) / g, (q[0] + q[2]) / g};
  }

  /** Whether patch {@code p} (row-major) lies inside candidate {@code i}. */
  public boolean contains(int i, int p) {
    int[] q = rects.get(i);
    int r = p / grid, c = p % grid;
    return r >= q[0] && r < q[0] + q[2] && c >= q[1] && c < q[1] + q[3];
  }

  /** {@link #best(float[], double)} at half the map's range, the usual CAM box threshold. */
  public int best(float[] map) {
    return best(map, 0.5);
  }

  /**
   * The candidate a heat map over the patches (row-major, G×G) singles out: the rectangle with the largest sum of
   * (value − τ), τ = min + {@code level}·(max − min). Patches above τ pull a box over them and patches below push it
   * away, so the box neither shrinks to the single hottest patch nor grows over cold ones. Summed-area tables make each
   * candidate O(1).
   */
  public int best(float[] map, double level) {
    double[] score = scores(map, level);
    int best = 0;
    for (int i = 1; i < score.length; i++) if (score[i] > score[best]) best = i;
    return best;
  }

  /**
   * Every candidate's score under {@link #best(float[], double)}'s rule: the sum over its patches of (value − τ),
   * τ = min + {@code level}·(max − min) of the map; LOUPE ranks candidates by it to choose which to play.
   */
  public double[] scores(float[] map, double level) {
    if (map.length != grid * grid) throw new IllegalArgumentException("map has " + map.length + " values, grid needs " + grid * grid);
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (float v : map) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    double tau = lo + level * (hi - lo);
    int w = grid + 1;
    double[] sat = new double[w * w];
    for (int r = 0; r < grid; r++)
      for (int c = 0; c < grid; c++)
        sat[(r + 1) * w + c + 1] = (map[r * grid + c] - tau) + sat[r * w + c + 1] + sat[(r + 1) * w + c] - sat[r * w + c];
    double[] out = new double[rects.size()];
    for (int i = 0; i < rects.size(); i++) {
      int[] q = rects.get(i);
      int r0 = q[0], c0 = q[1], r1 = q[0] + q[2], c1 = q[1] + q[3];
      out[i] = sat[r1 * w + c1] - sat[r0 * w + c1] - sat[r1 * w + c0] + sat[r0 * w + c0];
    }
    return out;
  }

  /** Candidate {@code i}'s patches as a bit mask over the row-major grid (grids of at most 8×8). */
  public long mask(int i) {
    if (grid * grid > 64) throw new IllegalStateException("a " + grid + "×" + grid + " grid has more than 64 patches");
    int[] q = rects.get(i);
    long m = 0;
    for (int r = q[0]; r < q[0] + q[2]; r++)
      for (int c = q[1]; c < q[1] + q[3]; c++) m |= 1L << (r * grid + c);
    return m;
  }
}
