package dev.vlt.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** A source whose records are all known up front and can be fetched by index (manifests, folders, IDX files). */
public interface IndexedSource extends DataSource {
  int count();

  Sample get(int index);

  @Override
  default long size() {
    return count();
  }

  /** Source order; the loader shuffles indices itself, so the seed is not used here. */
  @Override
  default Iterator<Sample> stream(long seed, SkipReport skips) {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < count();
      }

      @Override
      public Sample next() {
        if (!hasNext()) throw new NoSuchElementException();
        return get(next++);
      }
    };
  }
}
