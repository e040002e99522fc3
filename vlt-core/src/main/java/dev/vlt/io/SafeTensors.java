package dev.vlt.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading: the header is parsed and checked in full by {@link #open}, the data is
 * memory-mapped and read per tensor on demand. Files over 2 GB work (the mapping is windowed).
 *
 * <p>Floating tensors come out as float32 and integer tensors as int64, whatever their stored width. BF16 is widened
 * here because a BF16 array anywhere in DJL 0.36 aborts the JVM.
 */
public final class SafeTensors implements AutoCloseable {
  private final Path file;
  private final SafeTensorsHeader header;
  private final Map<String, TensorInfo> byName;
  private MappedData data;

  private SafeTensors(Path file, SafeTensorsHeader header, MappedData data) {
    this.file = file;
    this.header = header;
    this.data = data;
    Map<String, TensorInfo> m = new LinkedHashMap<>();
    for (TensorInfo t : header.tensors()) m.put(t.name(), t);
    this.byName = Collections.unmodifiableMap(m);
  }

  /** Opens and validates {@code file}; a malformed or hostile header throws {@link SafeTensorsException}. */
  public static SafeTensors open(Path file) throws IOException {
    return open(file, MappedData.DEFAULT_CHUNK);
  }

  /** As {@link #open(Path)} with a chosen mapping window, so tests can cross window edges without 1 GiB files. */
  static SafeTensors open(Path file, long chunkBytes) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      SafeTensorsHeader header = SafeTensorsHeader.read(file, channel);
      MappedData data = MappedData.map(channel, header.dataStart(), header.dataLength(), chunkBytes);
      return new SafeTensors(file, header, data);
    }
  }

  public Path file() {
    return file;
  }

  /** Tensor names in header order, without {@code __metadata__}. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** @throws IllegalArgumentException if the file has no tensor {@code name} */
  public TensorInfo info(String name) {
    TensorInfo t = byName.get(name);
    if (t == null) throw new IllegalArgumentException(file + ": no tensor " + SafeTensorsHeader.quote(name));
    return t;
  }

  /** The header's {@code __metadata__} strings in file order; empty if it has none. */
  public Map<String, String> metadata() {
    return header.metadata();
  }

  /**
   * A floating tensor's elements in row-major order: F32 as stored, F16 and BF16 widened exactly, F64 rounded to float.
   *
   * @throws IllegalArgumentException for an integer dtype, or more elements than a Java array holds
   */
  public float[] floats(String name) {
    TensorInfo t = requireKind(name, true);
    float[] out = new float[arrayLength(t)];
    decodeFloats(t, FloatBuffer.wrap(out));
    return out;
  }

  /**
   * An integer or BOOL tensor's elements in row-major order, sign-extended (U8 zero-extended, BOOL as 0/1).
   *
   * @throws IllegalArgumentException for a floating dtype, or more elements than a Java array holds
   */
  public long[] longs(String name) {
    TensorInfo t = requireKind(name, false);
    long[] out = new long[arrayLength(t)];
    decodeLongs(t, LongBuffer.wrap(out));
    return out;
  }

  /**
   * The tensor as a FLOAT32 (floating dtypes) or INT64 (integer dtypes) array of the stored shape, 0-d included.
   * Bytes are decoded straight into the direct buffer DJL keeps, never into the mapping (torch may write to its array).
   */
  public NDArray load(NDManager manager, String name) {
    TensorInfo t = info(name);
    long bytes = Math.multiplyExact(t.numel(), t.dtype().isFloat() ? 4L : 8L);
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(file + ": tensor " + SafeTensorsHeader.quote(name) + " needs " + bytes
          + " bytes as an NDArray; DJL creates arrays of at most 2 GB from a buffer");
    }
    checkOpen();
    ByteBuffer buf = manager.allocateDirect((int) bytes); // native order, as torch expects
    Shape shape = new Shape(t.shape());
    NDArray array;
    if (t.dtype().isFloat()) {
      decodeFloats(t, buf.asFloatBuffer());
      array = manager.create(buf, shape, DataType.FLOAT32);
    } else {
      decodeLongs(t, buf.asLongBuffer());
      array = manager.create(buf, shape, DataType.INT64);
    }
    array.setName(name);
    return array;
  }

  /** Every tensor, by {@link #load}, in header order. On failure the arrays already made are closed. */
  public Map<String, NDArray> loadAll(NDManager manager) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    try {
      for (String name : byName.keySet()) out.put(name, load(manager, name));
    } catch (RuntimeException e) {
      out.values().forEach(NDArray::close);
      throw e;
    }
    return out;
  }

  /** Drops the mapping; the OS unmaps it once the buffers are collected (Java has no explicit unmap). */
  @Override
  public void close() {
    data = null;
  }

  private TensorInfo requireKind(String name, boolean floating) {
    TensorInfo t = info(name);
    if (t.dtype().isFloat() != floating) {
      throw new IllegalArgumentException(file + ": tensor " + SafeTensorsHeader.quote(name) + " is " + t.dtype()
          + "; read it with " + (floating ? "longs()" : "floats()"));
    }
    return t;
  }

  private int arrayLength(TensorInfo t) {
    if (t.numel() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(file + ": tensor " + SafeTensorsHeader.quote(t.name()) + " has " + t.numel()
          + " elements, more than one Java array holds");
    }
    checkOpen();
    return (int) t.numel();
  }

  private void checkOpen() {
    if (data == null) throw new IllegalStateException(file + " is closed");
  }

  private void decodeFloats(TensorInfo t, FloatBuffer dst) {
    data.forEachSlice(t.byteOffset(), t.numel(), t.dtype().bytes(), (src, n) -> {
      switch (t.dtype()) {
        case F32 -> dst.put(src.asFloatBuffer());
        case F64 -> {
          DoubleBuffer d = src.asDoubleBuffer();
          for (int i = 0; i < n; i++) dst.put((float) d.get(i));
        }
        case F16 -> {
          ShortBuffer s = src.asShortBuffer();
          for (int i = 0; i < n; i++) dst.put(HalfFloats.f16(s.get(i)));
        }
        case BF16 -> {
          ShortBuffer s = src.asShortBuffer();
          for (int i = 0; i < n; i++) dst.put(HalfFloats.bf16(s.get(i)));
        }
        default -> throw new AssertionError(t.dtype());
      }
    });
  }

  private void decodeLongs(TensorInfo t, LongBuffer dst) {
    data.forEachSlice(t.byteOffset(), t.numel(), t.dtype().bytes(), (src, n) -> {
      switch (t.dtype()) {
        case I64 -> dst.put(src.asLongBuffer());
        case I32 -> {
          for (int i = 0; i < n; i++) dst.put(src.getInt(4 * i));
        }
        case I16 -> {
          for (int i = 0; i < n; i++) dst.put(src.getShort(2 * i));
        }
        case I8 -> {
          for (int i = 0; i < n; i++) dst.put(src.get(i));
        }
        case U8 -> {
          for (int i = 0; i < n; i++) dst.put(src.get(i) & 0xFF);
        }
        case BOOL -> {
          for (int i = 0; i < n; i++) dst.put(src.get(i) != 0 ? 1 : 0);
        }
        default -> throw new AssertionError(t.dtype());
      }
    });
  }
}
