package dev.vlt.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Children named 0, 1, 2, … as PyTorch's nn.ModuleList names them in checkpoints. */
public final class ModuleList<M extends Module> extends Module {
  private final List<M> items = new ArrayList<>();

  public M add(M module) {
    items.add(child(Integer.toString(items.size()), module));
    return module;
  }

  public M get(int i) {
    return items.get(i);
  }

  public int size() {
    return items.size();
  }

  public List<M> items() {
    return Collections.unmodifiableList(items);
  }
}
