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

/**
 * A node of a model tree. Children and parameters are registered under the names they have in checkpoints, so the dotted
 * path of a parameter ({@code visual.transformer.resblocks.0.attn.in_proj_weight}) is its state-dict key. Layers never
 * close arrays: memory scopes belong to the loop that calls them.
 */
public abstract class Module {
  private final Map<String, Module> children = new LinkedHashMap<>();
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
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

  private void checkName(String name) {
    if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad module name '" + name + "'");
    if (children.containsKey(name) || parameters.containsKey(name)) {
      throw new IllegalArgumentException("name registered twice: '" + name + "'");
    }
  }

  public final Map<String, Module> children() {
    return Collections.unmodifiableMap(children);
  }

  /** Every parameter below this module, keyed by dotted checkpoint name, in registration order. */
  public final Map<String, Parameter> namedParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    collect("", out);
    return out;
  }

  private void collect(String prefix, Map<String, Parameter> out) {
    parameters.forEach((n, p) -> {
      if (out.put(prefix + n, p) != null) throw new IllegalStateException("duplicate parameter name " + prefix + n);
    });
    children.forEach((n, c) -> c.collect(prefix + n + ".", out));
    for (Module m : inlined) m.collect(prefix, out);
  }

  public final long parameterCount() {
    long n = 0;
    for (Parameter p : namedParameters().values()) n += p.numel();
    return n;
  }

  /**
   * Creates every parameter's value in {@code manager} from its {@link Init}. Each parameter draws from a generator seeded
   * by (seed, its name), so adding a module elsewhere in the tree does not change the others' initial values.
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
  }

  /**
   * Loads a state dict strictly: every parameter must be present with its exact shape, and no extra key may remain. All
   * problems are reported together in one {@link CheckpointMismatchException}. Values are copied into {@code manager} as
   * float32; the caller keeps ownership of {@code state}.
   */
  public final void load(NDManager manager, Map<String, NDArray> state) {
    Map<String, Parameter> own = namedParameters();
    List<String> missing = new ArrayList<>();
    List<String> wrongShape = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : own.entrySet()) {
      NDArray v = state.get(e.getKey());
      if (v == null) missing.add(e.getKey());
      else if (!v.getShape().equals(e.getValue().shape())) {
        wrongShape.add(e.getKey() + " " + v.getShape() + " (model wants " + e.getValue().shape() + ")");
      }
    }
    for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
    if (!missing.isEmpty() || !wrongShape.isEmpty() || !unexpected.isEmpty()) {
      throw new CheckpointMismatchException(missing, unexpected, wrongShape);
    }
    for (Map.Entry<String, Parameter> e : own.entrySet()) {
      // a torch-side copy: no aliasing of the caller's array, no round trip through a Java buffer
      NDArray copy = state.get(e.getKey()).toType(DataType.FLOAT32, false).duplicate();
      copy.attach(manager);
      NDScope.unregister(copy);
      e.getValue().set(copy);
    }
  }

  /** The current values by checkpoint name (the arrays themselves, not copies). */
  public final Map<String, NDArray> stateDict() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    namedParameters().forEach((n, p) -> out.put(n, p.value()));
    return out;
  }

  /** Casts every parameter, e.g. to float64 for finite-difference gradient checks. */
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
