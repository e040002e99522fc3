package dev.vlt.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * WebDataset's shuffle buffer over a stream: hold {@code capacity} items, emit a random one and put the next input in its
 * place; drain in random order at the end. Seeded, so the same stream and seed give the same order.
 */
final class ShuffleBuffer<T> implements Iterator<T> {
  private final Iterator<T> in;
  private final int capacity;
  private final SplittableRandom rng;
  private final List<T> buffer = new ArrayList<>();

  ShuffleBuffer(Iterator<T> in, int capacity, long seed) {
    if (capacity < 1) throw new IllegalArgumentException("shuffle buffer capacity must be at least 1, got " + capacity);
    this.in = in;
    this.capacity = capacity;
    this.rng = new SplittableRandom(seed);
  }

  @Override
  public boolean hasNext() {
    return !buffer.isEmpty() || in.hasNext();
  }

  @Override
  public T next() {
    while (buffer.size() < capacity && in.hasNext()) buffer.add(in.next());
    if (buffer.isEmpty()) throw new NoSuchElementException();
    int k = rng.nextInt(buffer.size());
    T out = buffer.get(k);
    int last = buffer.size() - 1;
    buffer.set(k, buffer.get(last));
    buffer.remove(last);
    return out;
  }
}
