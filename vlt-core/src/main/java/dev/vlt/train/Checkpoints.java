package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vlt.io.SafeTensors;
import dev.vlt.io.SafeTensorsWriter;
import dev.vlt.models.Models;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Training checkpoints under a run's {@code checkpoints/}: {@code step-000120/} holds {@code model/} (a model folder with
 * its tokenizer), {@code optimizer.safetensors} (AdamW moments {@code exp_avg.NAME}, {@code exp_avg_sq.NAME}, and
 * {@code param.NAME} for task parameters the model folder does not hold, e.g. SigLIP's bias, and {@code state.NAME} for
 * the task's own state, e.g. NLIP's per-sample losses) and {@code trainer.json}.
 *
 * <p>A checkpoint is written into a hidden temporary folder and renamed into place only when complete; the previous one is
 * deleted only after that. A failure at any point (a full disk) leaves the previous checkpoint as it was.
 */
public final class Checkpoints {
  static final String PREFIX = "step-";
  static final String MODEL = "model";
  static final String OPTIMIZER = "optimizer.safetensors";
  static final String STATE = "trainer.json";

  /** A test hook called after each file of a checkpoint is written: throwing simulates a full disk there. */
  interface Fault {
    void after(String file) throws IOException;
  }

  private final Path dir;
  private final Fault fault;

  public Checkpoints(Path dir) {
    this(dir, file -> {});
  }

  Checkpoints(Path dir, Fault fault) {
    this.dir = dir;
    this.fault = fault;
  }

  public Path dir() {
    return dir;
  }

  /** Writes the checkpoint of {@code state.step()} and returns its folder. */
  public Path save(Task<?, ?> task, AdamW optimizer, TrainerState state) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve(String.format("%s%06d", PREFIX, state.step()));
    if (Files.isDirectory(target)) return target;  // this step is on disk already (e.g. stopped right after resuming)
    Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
    deleteTree(tmp);
    try {
      task.saveModel(tmp.resolve(MODEL));
      fault.after(MODEL);
      writeOptimizer(tmp, task, optimizer);
      fault.after(OPTIMIZER);
      state.write(tmp.resolve(STATE));
      fault.after(STATE);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        deleteTree(tmp);
      } catch (IOException | UncheckedIOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    for (Path old : complete()) if (!old.equals(target)) deleteTree(old);
    return target;
  }

  private static void writeOptimizer(Path tmp, Task<?, ?> task, AdamW opt) throws IOException {
    List<String> inModel;
    try (SafeTensors weights = SafeTensors.open(tmp.resolve(MODEL).resolve(Models.WEIGHTS_FILE))) {
      inModel = weights.names();
    }
    Map<String, NDArray> out = new LinkedHashMap<>();
    opt.firstMoments().forEach((n, a) -> out.put("exp_avg." + n, a));
    opt.secondMoments().forEach((n, a) -> out.put("exp_avg_sq." + n, a));
    task.module().namedParameters().forEach((n, p) -> {
      if (!inModel.contains(n)) out.put("param." + n, p.value());
    });
    try (NDManager stateManager = NDManager.newBaseManager()) {
      task.state(stateManager).forEach((n, a) -> out.put("state." + n, a));
      SafeTensorsWriter.write(tmp.resolve(OPTIMIZER), out, Map.of("format", "vlt-adamw", "step", Long.toString(opt.stepCount())));
    }
  }

  /** The newest complete checkpoint, if any. */
  public Optional<Path> latest() {
    List<Path> all = complete();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** Complete checkpoint folders, oldest first. */
  List<Path> complete() {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches(PREFIX + "\\d+"))
          .sorted(Comparator.comparingLong(Checkpoints::stepOf)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static long stepOf(Path p) {
    return Long.parseLong(p.getFileName().toString().substring(PREFIX.length()));
  }

  /**
   * Restores the task's weights (into {@code manager}), its state and the optimizer's moments from {@code checkpoint}; returns the
   * trainer state to continue from.
   */
  public static TrainerState load(Path checkpoint, Task<?, ?> task, AdamW optimizer, NDManager manager) throws IOException {
    TrainerState state = TrainerState.read(checkpoint.resolve(STATE));
    try (NDManager tmp = manager.newSubManager();
        SafeTensors model = SafeTensors.open(checkpoint.resolve(MODEL).resolve(Models.WEIGHTS_FILE));
        SafeTensors opt = SafeTensors.open(checkpoint.resolve(OPTIMIZER))) {
      Map<String, NDArray> weights = new HashMap<>(model.loadAll(tmp));
      Map<String, NDArray> m = new HashMap<>();
      Map<String, NDArray> v = new HashMap<>();
      Map<String, NDArray> taskState = new HashMap<>();
      for (String name : opt.names()) {
        NDArray a = opt.load(tmp, name);
        if (name.startsWith("exp_avg.")) m.put(name.substring(8), a);
        else if (name.startsWith("exp_avg_sq.")) v.put(name.substring(11), a);
        else if (name.startsWith("param.")) weights.put(name.substring(6), a);
        else if (name.startsWith("state.")) taskState.put(name.substring(6), a);
        else throw new IllegalArgumentException(checkpoint.resolve(OPTIMIZER) + " holds an unknown tensor " + name);
      }
      task.module().load(manager, weights);
      optimizer.restore(m, v, state.adamStep());
      task.restoreState(taskState);
    }
    return state;
  }

  /** Removes temporary folders a killed run left behind. */
  public void removeIncomplete() throws IOException {
    if (!Files.isDirectory(dir)) return;
    List<Path> stale = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().startsWith(".") && p.getFileName().toString().endsWith(".tmp")).forEach(stale::add);
    }
    for (Path p : stale) deleteTree(p);
  }

  /** Deletes a file or folder tree (nothing when absent). */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
