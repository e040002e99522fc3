package dev.vlt.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files that the reference implementation reads: header keys in the caller's order with
 * {@code __metadata__} first, data contiguous in the same order, header padded with spaces to a multiple of 8 so every
 * tensor starts 8-byte aligned. Tensors are written one at a time, so no buffer ever holds the whole file.
 *
 * <p>Writes are atomic: the bytes go to a temporary file beside the target, are fsynced, then renamed over it. A failure
 * at any point (a full disk, a bad tensor) leaves an existing file untouched and removes the temporary file.
 */
public final class SafeTensorsWriter {
  private static final JsonFactory JSON = new JsonFactory();
  private static final SecureRandom RANDOM = new SecureRandom();

  private SafeTensorsWriter() {}

  /** Where one tensor's bytes come from, fetched only when its turn to be written comes. */
  @FunctionalInterface
  interface ByteSource {
    ByteBuffer littleEndianBytes() throws IOException;
  }

  /** One tensor queued for writing; {@code bytes} must yield exactly {@code byteLength(dtype, shape)} bytes. */
  record Pending(String name, DType dtype, long[] shape, ByteSource bytes) {}

  /**
   * Writes DJL arrays: FLOAT32 as F32, INT64 as I64, INT32 as I32.
   *
   * @param metadata written as {@code __metadata__} unless null or empty
   * @throws IllegalArgumentException for another data type, before anything is written
   */
  public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
    List<Pending> pending = new ArrayList<>();
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      NDArray a = e.getValue();
      DType dtype = switch (a.getDataType()) {
        case FLOAT32 -> DType.F32;
        case INT64 -> DType.I64;
        case INT32 -> DType.I32;
        default -> throw new IllegalArgumentException("cannot write " + file + ": tensor "
            + SafeTensorsHeader.quote(e.getKey()) + " is " + a.getDataType() + "; vlt writes float32, int64 and int32");
      };
      pending.add(new Pending(e.getKey(), dtype, a.getShape().getShape(), () -> littleEndian(a)));
    }
    write(file, pending, metadata);
  }

  /**
   * Writes host tensors of any {@link DType}.
   *
   * @param metadata written as {@code __metadata__} unless null or empty
   */
  public static void writeArrays(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
      throws IOException {
    List<Pending> pending = new ArrayList<>();
    tensors.forEach((name, t) -> pending.add(new Pending(name, t.dtype(), t.shape(), t.littleEndianData()::duplicate)));
    write(file, pending, metadata);
  }

  static void write(Path file, List<Pending> tensors, Map<String, String> metadata) throws IOException {
    byte[] header = header(file, tensors, metadata);
    Path dir = file.toAbsolutePath().getParent();
    Path temp = createTemp(dir, file.getFileName().toString());
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        writeFully(out, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
        writeFully(out, ByteBuffer.wrap(header));
        for (Pending t : tensors) {
          ByteBuffer bytes = t.bytes().littleEndianBytes();
          long expected = byteLength(t.dtype(), t.shape());
          if (bytes.remaining() != expected) {
            throw new IOException("cannot write " + file + ": tensor " + SafeTensorsHeader.quote(t.name()) + " gave "
                + bytes.remaining() + " bytes, expected " + expected);
          }
          writeFully(out, bytes);
        }
        out.force(true);
      }
      moveOver(temp, file);
    } catch (IOException | RuntimeException | Error e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    syncDirectory(dir);
  }

  /** Bytes of {@code shape} elements of {@code dtype}. @throws ArithmeticException if that overflows a long */
  static long byteLength(DType dtype, long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      n = Math.multiplyExact(n, d);
    }
    return Math.multiplyExact(n, dtype.bytes());
  }

  private static byte[] header(Path file, List<Pending> tensors, Map<String, String> metadata) throws IOException {
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(json)) {
      g.writeStartObject();
      if (metadata != null && !metadata.isEmpty()) {
        g.writeObjectFieldStart(SafeTensorsHeader.METADATA_KEY);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
          if (e.getKey() == null || e.getValue() == null) {
            throw new IllegalArgumentException("cannot write " + file + ": metadata " + e + " has a null");
          }
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      long offset = 0;
      for (Pending t : tensors) {
        if (t.name().equals(SafeTensorsHeader.METADATA_KEY)) {
          throw new IllegalArgumentException("cannot write " + file + ": " + SafeTensorsHeader.METADATA_KEY
              + " is reserved and cannot name a tensor");
        }
        long end = Math.addExact(offset, byteLength(t.dtype(), t.shape()));
        g.writeObjectFieldStart(t.name());
        g.writeStringField("dtype", t.dtype().name());
        g.writeFieldName("shape");
        g.writeArray(t.shape(), 0, t.shape().length);
        g.writeFieldName("data_offsets");
        g.writeArray(new long[] {offset, end}, 0, 2);
        g.writeEndObject();
        offset = end;
      }
      g.writeEndObject();
    }
    int padded = (json.size() + 7) / 8 * 8;
    if (padded > SafeTensorsHeader.MAX_HEADER_BYTES) {
      throw new IllegalArgumentException("cannot write " + file + ": header of " + padded + " bytes exceeds the "
          + SafeTensorsHeader.MAX_HEADER_BYTES + "-byte limit readers enforce");
    }
    byte[] header = Arrays.copyOf(json.toByteArray(), padded);
    Arrays.fill(header, json.size(), padded, (byte) ' ');
    return header;
  }

  /** DJL hands out the array's memory in native order, which is the format's little-endian on every torch CPU target. */
  private static ByteBuffer littleEndian(NDArray a) {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalStateException("vlt writes safetensors only on little-endian machines");
    }
    return a.toByteBuffer();
  }

  private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) out.write(bytes);
  }

  /** Not Files.createTempFile: its owner-only permissions would carry over to the renamed file. */
  private static Path createTemp(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path temp = dir.resolve("." + name + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
      try {
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return temp;
      } catch (FileAlreadyExistsException e) {
        if (attempt == 100) throw e;
      }
    }
  }

  private static void moveOver(Path temp, Path file) throws IOException {
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Makes the rename itself durable; some platforms cannot open a directory, and then there is nothing to do. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // best effort: the data itself was already forced before the rename
    }
  }
}
