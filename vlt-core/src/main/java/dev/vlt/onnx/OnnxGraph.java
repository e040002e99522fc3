package dev.vlt.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small builder of one ONNX graph over the ONNX protobuf classes: named inputs with symbolic dimensions, initializers
 * (weights stored raw, little-endian), nodes whose outputs get unique names, outputs, metadata. Default-domain ops are
 * written against {@link #OPSET}; ONNX Runtime's {@code com.microsoft} ops are allowed beside them.
 */
public final class OnnxGraph {
  /** LayerNormalization needs 17. */
  public static final int OPSET = 17;
  /** ONNX IR version 8 carries opset 17. */
  static final long IR_VERSION = 8;
  public static final String MS_DOMAIN = "com.microsoft";

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Set<String> names = new HashSet<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private boolean usesMsDomain;
  private int counter;

  public OnnxGraph(String name) {
    graph.setName(name);
  }

  /** A graph input; each dimension is a Long (fixed) or a String (symbolic, e.g. "batch"). */
  public String input(String name, TensorProto.DataType type, Object... dims) {
    claim(name);
    graph.addInput(valueInfo(name, type, dims));
    return name;
  }

  /** Marks {@code value} as a graph output named {@code name} (an Identity node renames it when needed). */
  public void output(String value, String name, TensorProto.DataType type, Object... dims) {
    if (!value.equals(name)) {
      claim(name);
      graph.addNode(NodeProto.newBuilder().setOpType("Identity").addInput(value).addOutput(name).setName(name + "_identity"));
    }
    graph.addOutput(valueInfo(name, type, dims));
  }

  public void metadata(String key, String value) {
    metadata.put(key, value);
  }

  /** A float32 initializer. */
  public String floats(String name, float[] data, long... shape) {
    ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return initializer(name, TensorProto.DataType.FLOAT, b.array(), shape);
  }

  /** A float32 scalar initializer (shape []). */
  public String scalar(String name, float v) {
    return floats(name, new float[] {v});
  }

  /** An int64 initializer, e.g. a Reshape target or Gather index. */
  public String longs(String name, long[] data, long... shape) {
    ByteBuffer b = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(data);
    return initializer(name, TensorProto.DataType.INT64, b.array(), shape);
  }

  /** An int8 initializer (quantised weights and their zero points). */
  public String int8(String name, byte[] data, long... shape) {
    return initializer(name, TensorProto.DataType.INT8, data, shape);
  }

  private String initializer(String name, TensorProto.DataType type, byte[] raw, long... shape) {
    long n = 1;
    for (long d : shape) n *= d;
    int width = type == TensorProto.DataType.INT8 ? 1 : type == TensorProto.DataType.INT64 ? 8 : 4;
    if (n * width != raw.length) throw new IllegalArgumentException("initializer " + name + ": " + raw.length + " bytes for shape "
        + java.util.Arrays.toString(shape));
    String unique = unique(name);
    TensorProto.Builder t = TensorProto.newBuilder().setName(unique).setDataType(type.getNumber()).setRawData(ByteString.copyFrom(raw));
    for (long d : shape) t.addDims(d);
    graph.addInitializer(t);
    return unique;
  }

  /** A default-domain node with one output; attributes as name, value pairs (Long, Float, String, long[], Integer). */
  public String node(String op, List<String> inputs, Object... attributes) {
    return nodeN(op, "", inputs, 1, attributes)[0];
  }

  /** A node of {@code domain} ("" for ONNX's) with {@code outputs} outputs. */
  public String[] nodeN(String op, String domain, List<String> inputs, int outputs, Object... attributes) {
    if (attributes.length % 2 != 0) throw new IllegalArgumentException("attributes come in name, value pairs");
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(unique(op.toLowerCase(java.util.Locale.ROOT)));
    if (!domain.isEmpty()) {
      n.setDomain(domain);
      usesMsDomain |= domain.equals(MS_DOMAIN);
    }
    for (String in : inputs) n.addInput(in);  // "" marks an omitted optional input
    String[] outs = new String[outputs];
    for (int i = 0; i < outputs; i++) {
      outs[i] = unique(op.toLowerCase(java.util.Locale.ROOT) + "_out");
      n.addOutput(outs[i]);
    }
    for (int i = 0; i < attributes.length; i += 2) n.addAttribute(attribute((String) attributes[i], attributes[i + 1]));
    graph.addNode(n);
    return outs;
  }

  /** The model: IR 8, ONNX opset 17 (plus com.microsoft 1 where used), metadata as string properties. */
  public ModelProto build(String producerVersion, String docString) {
    ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("vlt")
        .setProducerVersion(producerVersion).setDocString(docString).setGraph(graph)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
    if (usesMsDomain) m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
    metadata.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return m.build();
  }

  private static AttributeProto attribute(String name, Object v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
    if (v instanceof Integer i) return a.setType(AttributeProto.AttributeType.INT).setI(i).build();
    if (v instanceof Long l) return a.setType(AttributeProto.AttributeType.INT).setI(l).build();
    if (v instanceof Float f) return a.setType(AttributeProto.AttributeType.FLOAT).setF(f).build();
    if (v instanceof Double d) return a.setType(AttributeProto.AttributeType.FLOAT).setF(d.floatValue()).build();
    if (v instanceof String s) return a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s)).build();
    if (v instanceof long[] ls) {
      a.setType(AttributeProto.AttributeType.INTS);
      for (long l : ls) a.addInts(l);
      return a.build();
    }
    throw new IllegalArgumentException("attribute " + name + ": unsupported value type " + v.getClass().getSimpleName());
  }

  private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String s) dim.setDimParam(s);
      else dim.setDimValue(((Number) d).longValue());
      shape.addDim(dim);
    }
    TypeProto.Tensor t = TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape).build();
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
  }

  private void claim(String name) {
    if (!names.add(name)) throw new IllegalArgumentException("duplicate ONNX value name " + name);
  }

  private String unique(String base) {
    String name = base;
    while (names.contains(name)) name = base + "_" + (++counter);
    names.add(name);
    return name;
  }
}
