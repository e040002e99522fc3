package dev.vlt.io;

import java.util.Arrays;

/**
 * Where one tensor lives in a safetensors file.
 *
 * @param shape dimensions, outermost first (row-major); empty for a 0-d tensor such as {@code logit_scale}
 * @param byteOffset start of the tensor's bytes relative to the data buffer (the header's {@code data_offsets[0]}),
 *     not to the start of the file
 * @param byteLength {@code numel() * dtype.bytes()}
 */
public record TensorInfo(String name, DType dtype, long[] shape, long byteOffset, long byteLength) {
  public TensorInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements: the product of the shape, 1 for a 0-d tensor. The header check guarantees no overflow. */
  public long numel() {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
        && byteOffset == t.byteOffset && byteLength == t.byteLength;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape) + " @" + byteOffset + "+" + byteLength;
  }
}
