package dev.vlt.cli;

import dev.vlt.infer.Engine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --engine djl|onnx|onnx-int8|onnx-int8-all}: a wrong name is a usage error (exit 2) with the choices. */
final class EngineConverter implements ITypeConverter<Engine> {
  @Override
  public Engine convert(String value) {
    try {
      return Engine.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
