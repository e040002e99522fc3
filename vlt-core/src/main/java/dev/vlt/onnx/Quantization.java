package dev.vlt.onnx;

/**
 * Which linear layers the exporter writes as int8. Weights are quantised per output column, symmetric (zero point 0,
 * range ±127); activations are quantised per tensor at run time ({@code DynamicQuantizeLinear}, uint8). The patch
 * embedding (a convolution) always stays fp32.
 *
 * @param blocks the attention and MLP projections of every transformer block
 * @param projections also the towers' final projections into the joint space (CLIP's embeddings are known to suffer
 *     when everything is quantised, so off unless asked)
 */
public record Quantization(boolean blocks, boolean projections) {
  public static final Quantization NONE = new Quantization(false, false);
  public static final Quantization INT8 = new Quantization(true, false);
  public static final Quantization INT8_ALL = new Quantization(true, true);

  public boolean any() {
    return blocks || projections;
  }

  /** "fp32", "int8" or "int8-all", as {@code vlt export onnx --quantize} spells it. */
  public String label() {
    return !any() ? "fp32" : projections ? "int8-all" : "int8";
  }

  public static Quantization parse(String s) {
    return switch (s) {
      case "fp32", "none" -> NONE;
      case "int8" -> INT8;
      case "int8-all" -> INT8_ALL;
      default -> throw new IllegalArgumentException("--quantize must be fp32, int8 or int8-all, got '" + s + "'");
    };
  }
}
