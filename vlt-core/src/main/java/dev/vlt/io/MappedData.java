package dev.vlt.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A file region mapped read-only in windows, because one MappedByteBuffer cannot exceed 2 GB. Window k starts at
 * {@code k * chunk} and runs {@link #OVERLAP} bytes past the next window's start, so every element that starts in a
 * window also ends in it, wherever the tensors sit: callers get whole elements and never stitch bytes.
 */
final class MappedData {
  static final long DEFAULT_CHUNK = 1L << 30;
  /** The widest element (F64, I64). */
  static final int OVERLAP = 8;

  /** Receives consecutive pieces of one tensor: a little-endian buffer holding exactly {@code elements} elements. */
  @FunctionalInterface
  interface Slices {
    void accept(ByteBuffer slice, int elements);
  }

  private final MappedByteBuffer[] windows;
  private final long chunk;

  private MappedData(MappedByteBuffer[] windows, long chunk) {
    this.windows = windows;
    this.chunk = chunk;
  }

  /** Maps {@code [start, start + length)} of the channel; the mapping stays valid after the channel is closed. */
  static MappedData map(FileChannel channel, long start, long length, long chunk) throws IOException {
    if (chunk < OVERLAP || chunk > Integer.MAX_VALUE - OVERLAP) throw new IllegalArgumentException("chunk " + chunk);
    int count = (int) ((length + chunk - 1) / chunk);
    MappedByteBuffer[] windows = new MappedByteBuffer[count];
    for (int k = 0; k < count; k++) {
      long from = k * chunk;
      long size = Math.min(length - from, chunk + OVERLAP);
      windows[k] = channel.map(FileChannel.MapMode.READ_ONLY, start + from, size);
    }
    return new MappedData(windows, chunk);
  }

  /**
   * Walks {@code count} elements of {@code elementBytes} each starting at {@code offset} (relative to the mapped start),
   * handing them over in at most one slice per window. The header check guarantees the range lies inside the mapping.
   */
  void forEachSlice(long offset, long count, int elementBytes, Slices sink) {
    long done = 0;
    while (done < count) {
      long position = offset + done * elementBytes;
      int k = (int) (position / chunk);
      long windowStart = k * chunk;
      // elements starting before the next window's start; the last one may reach into the overlap
      long fit = (windowStart + chunk - position + elementBytes - 1) / elementBytes;
      int n = (int) Math.min(count - done, fit);
      ByteBuffer slice = windows[k].duplicate();
      int from = (int) (position - windowStart);
      slice.position(from).limit(from + n * elementBytes);
      sink.accept(slice.slice().order(ByteOrder.LITTLE_ENDIAN), n);
      done += n;
    }
  }
}
