package dev.vlt.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.vlt.tensor.Engines;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * {@link AdamW}'s update in one pass over each tensor's memory instead of a dozen tensor ops. A ViT-B/32 has 151M
 * parameters: op by op, AdamW read and wrote about ten full copies of them per step (and allocated four temporaries),
 * which cost 16 % of a training step on 2 cores. Here every element is read and written once, on the compute threads.
 *
 * <p>The arithmetic is the tensor-op path's, in float and in the same order (each product and sum rounded as libtorch
 * rounds it, no fused multiply-add): the moments come out bit for bit as the op path's, the weights within the last bits,
 * as libtorch's sqrt is oneMKL's vector sqrt, not always correctly rounded ({@code FusedAdamWTest}). Only contiguous fp32
 * CPU tensors take this path; the buffers are libtorch's own memory, written in place.
 */
final class FusedAdamW {
  /** Elements per task: large enough to amortise scheduling, small enough to balance two threads on small tensors. */
  private static final int CHUNK = 1 << 18;
  private static volatile ForkJoinPool pool;

  private FusedAdamW() {}

  /** One parameter's update: its four tensors' memory and its scalars. */
  record Slice(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, float decay, float stepSize) {}

  /**
   * The parameter's update as a slice over libtorch's memory, or null when the tensors cannot be written in place
   * (another data type or device, or a non-contiguous tensor, of which DJL would hand out a copy).
   */
  static Slice slice(NDArray p, NDArray g, NDArray m, NDArray v, float decay, float stepSize) {
    FloatBuffer pb = inPlace(p), gb = inPlace(g), mb = inPlace(m), vb = inPlace(v);
    if (pb == null || gb == null || mb == null || vb == null) return null;
    int n = pb.capacity();
    if (gb.capacity() != n || mb.capacity() != n || vb.capacity() != n) return null;
    return new Slice(pb, gb, mb, vb, decay, stepSize);
  }

  /**
   * A float view of the tensor's own memory. DJL returns a contiguous copy for a non-contiguous tensor, so two views are
   * taken and a change through one must show through the other (then restored): only the tensor's memory passes that.
   */
  private static FloatBuffer inPlace(NDArray a) {
    if (!(a instanceof PtNDArray pt) || a.getDataType() != DataType.FLOAT32 || !Device.cpu().equals(a.getDevice())) return null;
    if (a.size() == 0 || a.size() > Integer.MAX_VALUE) return null;
    ByteBuffer one = JniUtils.getByteBuffer(pt, true);
    ByteBuffer two = JniUtils.getByteBuffer(pt, true);
    if (!one.isDirect() || !two.isDirect()) return null;
    int bits = one.getInt(0);
    one.putInt(0, bits ^ 1);
    boolean same = two.getInt(0) == (bits ^ 1);
    one.putInt(0, bits);
    return same ? one.asFloatBuffer() : null;
  }

  /** Applies every slice's update: decoupled decay, both moments, then the bias-corrected step. */
  static void run(List<Slice> slices, AdamW.Hyper hyper, float bc2Sqrt) {
    if (slices.isEmpty()) return;
    float b1 = (float) hyper.beta1(), c1 = (float) (1 - hyper.beta1());
    float b2 = (float) hyper.beta2(), c2 = (float) (1 - hyper.beta2());
    float eps = (float) hyper.eps();
    List<Runnable> tasks = new ArrayList<>();
    for (Slice s : slices) {
      int n = s.p().capacity();
      for (int from = 0; from < n; from += CHUNK) {
        int lo = from, hi = Math.min(n, from + CHUNK);
        tasks.add(() -> update(s, lo, hi, b1, c1, b2, c2, bc2Sqrt, eps));
      }
    }
    int threads = Math.max(1, Engines.threads());
    if (threads == 1 || tasks.size() == 1) {
      tasks.forEach(Runnable::run);
      return;
    }
    pool(threads).submit(() -> tasks.parallelStream().forEach(Runnable::run)).join();
  }

  /** Elements copied into the thread's arrays at a time: four of them stay in the core's L1/L2 cache. */
  private static final int BLOCK = 2048;
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][BLOCK]);

  /**
   * The update of elements [lo, hi): block by block, bulk copies in and out of plain arrays, so that the loop in between
   * compiles to vector instructions (a loop over the buffers themselves does not).
   */
  private static void update(Slice s, int lo, int hi, float b1, float c1, float b2, float c2, float bc2Sqrt, float eps) {
    float[][] scratch = SCRATCH.get();
    float[] p = scratch[0], g = scratch[1], m = scratch[2], v = scratch[3];
    float decay = s.decay(), stepSize = s.stepSize();
    for (int from = lo; from < hi; from += BLOCK) {
      int n = Math.min(BLOCK, hi - from);
      s.p().get(from, p, 0, n);
      s.g().get(from, g, 0, n);
      s.m().get(from, m, 0, n);
      s.v().get(from, v, 0, n);
      for (int i = 0; i < n; i++) {
        float gi = g[i];
        float mi = m[i] * b1 + gi * c1;
        float vi = v[i] * b2 + (gi * gi) * c2;
        float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
        p[i] = p[i] * decay - (mi / denom) * stepSize;  // decay 1 leaves p exactly as it is
        m[i] = mi;
        v[i] = vi;
      }
      s.p().put(from, p, 0, n);
      s.m().put(from, m, 0, n);
      s.v().put(from, v, 0, n);
    }
  }

  private static ForkJoinPool pool(int threads) {
    ForkJoinPool p = pool;
    if (p == null || p.getParallelism() != threads) {
      synchronized (FusedAdamW.class) {
        p = pool;
        if (p == null || p.getParallelism() != threads) {
          if (p != null) p.shutdown();
          p = new ForkJoinPool(threads, fj -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fj);
            t.setName("vlt-adamw-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
          }, null, false);
          pool = p;
        }
      }
    }
    return p;
  }
}
