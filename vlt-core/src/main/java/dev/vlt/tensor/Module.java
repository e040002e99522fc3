package dev.vlt.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A node of a model tree. Children and parameters are registered under the names they have in checkpoints, so the dotted
 * path of a parameter ({@code visual.transformer.resblocks.0.attn.in_proj_weight}) is its state-dict key. Layers never
 * close arrays: memory scopes belong to the loop that calls them.
 */
public abstract class Module {
  private final Map<String, Module> children = new LinkedHashMap<>();
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private final Map<String, Buffer> buffers = new LinkedHashMap<>();
  private final List<Module> inlined = new ArrayList<>();
  private boolean training;

  protected final <M extends Module> M child(String name, M module) {
    checkName(name);
    children.put(name, module);
    return module;
  }

  /**
   * Registers a module whose names join this module's without a prefix: CLIP keeps its text tower at the root of the
   * state dict ({@code token_embedding.weight}), while CoCa puts the same tower under {@code text.}.
   */
  protected final <M extends Module> M inline(M module) {
    inlined.add(module);
    return module;
  }

  protected final Parameter param(String name, Init init, long... shape) {
    checkName(name);
    Parameter p = new Parameter(new Shape(shape), init);
    parameters.put(name, p);
    return p;
  }

  /** Registers checkpointed, non-trainable state of the given dtype (see {@link Buffer}). */
  protected final Buffer buffer(String name, DataType type, Init init, long... shape) {
    checkName(name);
    Buffer b = new Buffer(new Shape(shape), type, init);
    buffers.put(name, b);
    return b;
  }

  private void checkName(String name) {
    if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad module name '" + name + "'");
    if (children.containsKey(name) || parameters.containsKey(name) || buffers.containsKey(name)) {
      throw new IllegalArgumentException("name registered twice: '" + name + "'");
    }
  }

  public final Map<String, Module> children() {
    return Collections.unmodifiableMap(children);
  }

  /** Every parameter below this module, keyed by dotted checkpoint name, in registration order. */
  public final Map<String, Parameter> namedParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect("", out, m -> m.parameters);
    return out;
  }

  /** Every buffer below this module, keyed by dotted checkpoint name, in registration order. */
  public final Map<String, Buffer> namedBuffers() {
    Map<String, Buffer> out = new LinkedHashMap<>();
    collect("", out, m -> m.buffers);
    return out;
  }

  private <T> void collect(String prefix, Map<String, T> out, Function<Module, Map<String, T>> own) {
    own.apply(this).forEach((n, p) -> {
      if (out.put(prefix + n, p) != null) throw new IllegalStateException("duplicate name " + prefix + n);
    });
    children.forEach((n, c) -> c.collect(prefix + n + ".", out, own));
    for (Module m : inlined) m.collect(prefix, out, own);
  }

  public final long parameterCount() {
    long n = 0;
    for (Parameter p : namedParameters().values()) n += p.numel();
    return n;
  }

  /**
   * Creates every parameter's and buffer's value in {@code manager} from its {@link Init}. Each draws from a generator
   * seeded by (seed, its name), so adding a module elsewhere in the tree does not change the others' initial values.
   */
  public final void initialize(NDManager manager, long seed) {
    Engines.ensureStarted();
    for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
      Parameter p = e.getValue();
      long[] shape = p.shape().getShape();
      float[] values = new float[Math.toIntExact(p.numel())];
      p.init().fill(values, shape, new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ e.getKey().hashCode()));
      p.set(manager.create(values, p.shape()));
    }
    for (Map.Entry<String, Buffer> e : namedBuffers().entrySet()) {
      Buffer b = e.getValue();
      float[] values = new float[Math.toIntExact(b.numel())];
      b.init().fill(values, b.shape().getShape(), new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ e.getKey().hashCode()));
      NDArray floats = manager.create(values, b.shape());
      NDArray typed = floats.toType(b.dataType(), false);
      if (typed != floats) floats.close();
      b.set(typed);
    }
  }

  /**
   * Loads a state dict strictly: every parameter and buffer must be present with its exact shape, and no extra key may
   * remain. All problems are reported together in one {@link CheckpointMismatchException}. Values are copied into
   * {@code manager}, parameters as float32 and buffers in their own dtype; the caller keeps ownership of {@code state}.
   */
  public final void load(NDManager manager, Map<String, NDArray> state) {
    Map<String, Parameter> own = namedParameters();
    Map<String, Buffer> ownBuffers = namedBuffers();
    Map<String, Shape> shapes = new LinkedHashMap<>();
    own.forEach((n, p) -> shapes.put(n, p.shape()));
    ownBuffers.forEach((n, b) -> shapes.put(n, b.shape()));
    List<String> missing = new ArrayList<>();
    List<String> wrongShape = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    for (Map.Entry<String, Shape> e : shapes.entrySet()) {
      NDArray v = state.get(e.getKey());
      if (v == null) missing.add(e.getKey());
      else if (!v.getShape().equals(e.getValue())) {
        wrongShape.add(e.getKey() + " " + v.getShape() + " (model wants " + e.getValue() + ")");
      }
    }
    for (String k : state.keySet()) if (!shapes.containsKey(k)) unexpected.add(k);
    if (!missing.isEmpty() || !wrongShape.isEmpty() || !unexpected.isEmpty()) {
      throw new CheckpointMismatchException(missing, unexpected, wrongShape);
    }
    for (Map.Entry<String, Parameter> e : own.entrySet()) {
      e.getValue().set(ownedCopy(state.get(e.getKey()), DataType.FLOAT32, manager));
    }
    for (Map.Entry<String, Buffer> e : ownBuffers.entrySet()) {
      e.getValue().set(ownedCopy(state.get(e.getKey()), e.getValue().dataType(), manager));
    }
  }

  /** A torch-side copy in {@code manager}: no aliasing of the caller's array, no round trip through a Java buffer. */
  private static NDArray ownedCopy(NDArray v, DataType type, NDManager manager) {
    NDArray copy = v.toType(type, false).duplicate();
    copy.attach(manager);
    NDScope.unregister(copy);
    return copy;
  }

  /** The current values of every parameter, then every buffer, by checkpoint name (the arrays themselves, not copies). */
  public final Map<String, NDArray> stateDict() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    namedParameters().forEach((n, p) -> out.put(n, p.value()));
    namedBuffers().forEach((n, b) -> out.put(n, b.value()));
    return out;
  }

  /** Casts every parameter, e.g. to float64 for finite-difference gradient checks. Buffers keep their dtype. */
  public final void castTo(DataType type) {
    for (Parameter p : namedParameters().values()) p.set(p.value().toType(type, true));
  }

  public final void train(boolean on) {
    training = on;
    for (Module c : children.values()) c.train(on);
    for (Module c : inlined) c.train(on);
  }

  public final boolean isTraining() {
    return training;
  }

  /** Freezes (or unfreezes) every parameter below this module. */
  public final void freeze(boolean frozen) {
    for (Parameter p : namedParameters().values()) p.setFrozen(frozen);
  }
}
