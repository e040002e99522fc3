package dev.vlt.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The safetensors element types vlt reads. Names are the header's {@code dtype} strings; all data is little-endian. */
public enum DType {
  F64(8, true),
  F32(4, true),
  F16(2, true),
  BF16(2, true),
  I64(8, false),
  I32(4, false),
  I16(2, false),
  I8(1, false),
  U8(1, false),
  BOOL(1, false);

  private final int bytes;
  private final boolean floating;

  DType(int bytes, boolean floating) {
    this.bytes = bytes;
    this.floating = floating;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** True for F64, F32, F16 and BF16: read with {@code floats}; the rest are read with {@code longs}. */
  public boolean isFloat() {
    return floating;
  }

  /**
   * The dtype a header names, e.g. {@code "BF16"}.
   *
   * @throws IllegalArgumentException naming the unknown dtype and the known ones
   */
  public static DType parse(String s) {
    for (DType d : values()) {
      if (d.name().equals(s)) return d;
    }
    String known = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    throw new IllegalArgumentException("unknown dtype '" + s + "' (vlt reads " + known + ")");
  }
}
