package dev.vlt.tokenize;

import java.util.Arrays;

/** An open-addressing map from long keys to non-negative ints (pair of token ids → merge rank), -1 when absent. */
final class LongIntMap {
  private final long[] keys;
  private final int[] values;
  private final int mask;

  LongIntMap(int expected) {
    int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    keys = new long[capacity];
    values = new int[capacity];
    mask = capacity - 1;
    Arrays.fill(values, -1);
  }

  static long pair(int a, int b) {
    return (long) a << 32 | (b & 0xFFFFFFFFL);
  }

  void put(long key, int value) {
    int i = slot(key);
    while (values[i] >= 0 && keys[i] != key) i = (i + 1) & mask;
    keys[i] = key;
    values[i] = value;
  }

  int get(long key) {
    for (int i = slot(key); values[i] >= 0; i = (i + 1) & mask) if (keys[i] == key) return values[i];
    return -1;
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L; // Fibonacci hashing spreads the packed pairs
    return (int) (h ^ (h >>> 29)) & mask;
  }
}
