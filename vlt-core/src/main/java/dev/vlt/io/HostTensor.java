package dev.vlt.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor held in Java memory, ready to write: the bytes between the buffer's position and limit are the elements in
 * row-major order, little-endian. The writer reads a duplicate, so the buffer's position is left alone.
 *
 * @param shape dimensions, outermost first; empty for a 0-d tensor
 */
public record HostTensor(DType dtype, long[] shape, ByteBuffer littleEndianData) {
  public HostTensor {
    shape = shape.clone();
    long expected = SafeTensorsWriter.byteLength(dtype, shape);
    if (littleEndianData.remaining() != expected) {
      throw new IllegalArgumentException("HostTensor " + dtype + Arrays.toString(shape) + " needs " + expected
          + " bytes but the buffer holds " + littleEndianData.remaining());
    }
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** An F32 tensor copying {@code data}, whose length must be the product of {@code shape}. */
  public static HostTensor f32(long[] shape, float[] data) {
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(data.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return new HostTensor(DType.F32, shape, b);
  }

  /** An I64 tensor copying {@code data}, whose length must be the product of {@code shape}. */
  public static HostTensor i64(long[] shape, long[] data) {
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(data.length, 8)).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(data);
    return new HostTensor(DType.I64, shape, b);
  }
}
