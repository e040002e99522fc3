package dev.vlt.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** A minimal F32-only safetensors reader for tests (the real one lives in dev.vlt.io): name → values, plus metadata. */
public final class TestSafetensors {
  private final Map<String, float[]> tensors = new LinkedHashMap<>();
  private final JsonNode metadata;

  private TestSafetensors(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = Math.toIntExact(buf.getLong());
    JsonNode header = new ObjectMapper().readTree(new String(all, 8, headerLen, StandardCharsets.UTF_8));
    metadata = header.path("__metadata__");
    int base = 8 + headerLen;
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) continue;
      if (!e.getValue().get("dtype").asText().equals("F32")) throw new IOException(file + ": " + e.getKey() + " is not F32");
      int begin = e.getValue().get("data_offsets").get(0).asInt();
      int end = e.getValue().get("data_offsets").get(1).asInt();
      float[] values = new float[(end - begin) / 4];
      ByteBuffer.wrap(all, base + begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      tensors.put(e.getKey(), values);
    }
  }

  public static TestSafetensors read(Path file) throws IOException {
    return new TestSafetensors(file);
  }

  public float[] get(String name) {
    float[] v = tensors.get(name);
    if (v == null) throw new IllegalArgumentException("no tensor '" + name + "'; have " + tensors.keySet());
    return v;
  }

  public JsonNode metadata() {
    return metadata;
  }
}
