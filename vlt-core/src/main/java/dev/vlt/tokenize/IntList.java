package dev.vlt.tokenize;

import java.util.Arrays;

/** A growable int array: token ids are collected without boxing. */
final class IntList {
  private int[] data;
  private int size;

  IntList(int capacity) {
    data = new int[Math.max(capacity, 4)];
  }

  void add(int v) {
    if (size == data.length) data = Arrays.copyOf(data, size * 2);
    data[size++] = v;
  }

  void addAll(int[] values) {
    if (size + values.length > data.length) data = Arrays.copyOf(data, Math.max(size * 2, size + values.length));
    System.arraycopy(values, 0, data, size, values.length);
    size += values.length;
  }

  int get(int i) {
    return data[i];
  }

  int size() {
    return size;
  }

  void clear() {
    size = 0;
  }

  int[] toArray() {
    return Arrays.copyOf(data, size);
  }
}
