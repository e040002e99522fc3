package dev.vlt.tokenize;

import java.util.Arrays;

/**
 * Applies BPE merges to one word given as token ids, with the result of open_clip's {@code bpe()}: repeatedly take the
 * lowest-ranked adjacent pair and merge all its non-overlapping occurrences left to right. A heap of (rank, position) and a
 * linked list of symbols make it O(n log n), so a 10 MB "word" is as safe as a short one.
 */
final class BpeMerger {
  private final LongIntMap ranks;
  private final int[] mergedIds;

  /** {@code pairs[r]} = {left id, right id, merged id} of the merge with rank r. */
  BpeMerger(int[][] pairs) {
    ranks = new LongIntMap(pairs.length);
    mergedIds = new int[pairs.length];
    for (int r = 0; r < pairs.length; r++) {
      ranks.put(LongIntMap.pair(pairs[r][0], pairs[r][1]), r); // a repeated pair keeps its last rank, as Python's dict does
      mergedIds[r] = pairs[r][2];
    }
  }

  int rank(int left, int right) {
    return ranks.get(LongIntMap.pair(left, right));
  }

  int size() {
    return mergedIds.length;
  }

  /** Merges {@code symbols} (modified in place) and returns the final ids. */
  int[] merge(int[] symbols) {
    int n = symbols.length;
    if (n < 2) return symbols.clone();
    int[] next = new int[n];
    int[] prev = new int[n];
    LongHeap heap = new LongHeap(2 * n);
    for (int i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
      if (i + 1 < n) push(heap, symbols[i], symbols[i + 1], i);
    }
    int[] batch = new int[16];
    int alive = n;
    while (!heap.isEmpty()) {
      int rank = (int) (heap.peek() >>> 32);
      int count = 0;
      while (!heap.isEmpty() && (int) (heap.peek() >>> 32) == rank) {
        if (count == batch.length) batch = Arrays.copyOf(batch, count * 2);
        batch[count++] = (int) heap.pop(); // positions come out in ascending order
      }
      // one pass of open_clip's loop: every occurrence present now, left to right; a merged symbol is not reused in the pass
      for (int k = 0; k < count; k++) {
        int i = batch[k];
        int j = symbols[i] < 0 ? -1 : next[i];
        if (j < 0 || rank(symbols[i], symbols[j]) != rank) continue; // stale entry
        symbols[i] = mergedIds[rank];
        symbols[j] = -1;
        next[i] = next[j];
        if (next[j] >= 0) prev[next[j]] = i;
        alive--;
        if (prev[i] >= 0) push(heap, symbols[prev[i]], symbols[i], prev[i]);
        if (next[i] >= 0) push(heap, symbols[i], symbols[next[i]], i);
      }
    }
    int[] out = new int[alive];
    for (int i = 0, k = 0; i >= 0; i = next[i]) out[k++] = symbols[i];
    return out;
  }

  private void push(LongHeap heap, int left, int right, int position) {
    int r = rank(left, right);
    if (r >= 0) heap.push((long) r << 32 | position);
  }

  /** A binary min-heap of longs. */
  private static final class LongHeap {
    private long[] a;
    private int size;

    LongHeap(int capacity) {
      a = new long[Math.max(capacity, 4)];
    }

    boolean isEmpty() {
      return size == 0;
    }

    long peek() {
      return a[0];
    }

    void push(long v) {
      if (size == a.length) a = Arrays.copyOf(a, size * 2);
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (a[parent] <= v) break;
        a[i] = a[parent];
        i = parent;
      }
      a[i] = v;
    }

    long pop() {
      long top = a[0];
      long last = a[--size];
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && a[child + 1] < a[child]) child++;
        if (a[child] >= last) break;
        a[i] = a[child];
        i = child;
      }
      a[i] = last;
      return top;
    }
  }
}
