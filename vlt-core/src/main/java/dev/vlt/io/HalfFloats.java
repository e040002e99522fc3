package dev.vlt.io;

/**
 * Exact widening of the 16-bit float formats to float. Both fit in float without rounding: BF16 is float's top half, and
 * every F16 value (subnormals included) is a float normal. NaN payloads are kept, shifted into float's mantissa.
 */
final class HalfFloats {
  private HalfFloats() {}

  /** IEEE 754 binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits. */
  static float f16(short bits) {
    int h = bits & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1F;
    int mant = h & 0x3FF;
    if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13)); // inf, NaN
    if (exp == 0) {
      // zero or subnormal: mant * 2^-24, exact because mant has at most 10 significant bits
      float magnitude = mant * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** bfloat16: the upper 16 bits of a float. */
  static float bf16(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }
}
