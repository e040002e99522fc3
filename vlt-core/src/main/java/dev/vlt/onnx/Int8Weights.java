package dev.vlt.onnx;

/**
 * A weight matrix B [in, out] quantised symmetrically per output column: scale_n = max|B[:, n]| / 127,
 * q = round(B / scale_n) in [-127, 127] (zero point 0), so B ≈ q · scale_n.
 */
record Int8Weights(byte[] values, float[] scales) {
  static Int8Weights perColumn(float[] b, int in, int out) {
    float[] scales = new float[out];
    for (int i = 0; i < in; i++) for (int o = 0; o < out; o++) scales[o] = Math.max(scales[o], Math.abs(b[i * out + o]));
    for (int o = 0; o < out; o++) scales[o] = scales[o] == 0 ? 1f : scales[o] / 127f;
    byte[] q = new byte[in * out];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        q[i * out + o] = (byte) Math.max(-127, Math.min(127, Math.round(b[i * out + o] / scales[o])));
      }
    }
    return new Int8Weights(q, scales);
  }
}
