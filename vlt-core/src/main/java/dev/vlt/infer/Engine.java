package dev.vlt.infer;

import dev.vlt.onnx.Quantization;

/**
 * Which engine runs a model's towers at inference: DJL's PyTorch (the default, the path training uses) or ONNX Runtime
 * on the graphs vlt exports: fp32, int8 attention and MLP weights, or those and the final projections int8
 * ({@code --engine djl|onnx|onnx-int8|onnx-int8-all}).
 */
public enum Engine {
  DJL("djl", null),
  ONNX("onnx", Quantization.NONE),
  ONNX_INT8("onnx-int8", Quantization.INT8),
  ONNX_INT8_ALL("onnx-int8-all", Quantization.INT8_ALL);

  private final String label;
  private final Quantization quantization;

  Engine(String label, Quantization quantization) {
    this.label = label;
    this.quantization = quantization;
  }

  public String label() {
    return label;
  }

  /** The export's quantisation, or null for DJL. */
  public Quantization quantization() {
    return quantization;
  }

  public static Engine parse(String s) {
    for (Engine e : values()) if (e.label.equals(s)) return e;
    throw new IllegalArgumentException("--engine must be djl, onnx, onnx-int8 or onnx-int8-all, got '" + s + "'");
  }

  @Override
  public String toString() {
    return label;
  }
}
