package dev.vlt.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Reading the open_clip fixtures, writing and reading back, and the dtype conversions. */
class SafeTensorsTest {
  @TempDir Path dir;

  @Test
  void readsClipVitTinyWeightsAsPythonWroteThem() throws IOException {
    JsonNode stats = new ObjectMapper().readTree(Fixtures.fixture("clip_vit_tiny", "config.json").toFile()).get("weights_stats");
    try (SafeTensors st = SafeTensors.open(Fixtures.fixture("clip_vit_tiny", "weights.safetensors"))) {
      assertEquals(62, st.names().size());
      assertEquals(List.of("ln_final.bias", "ln_final.weight"), st.names().subList(0, 2)); // header order, not sorted
      assertEquals("pt", st.metadata().get("format"));
      assertArrayEquals(new long[0], st.info("logit_scale").shape());
      assertEquals(1, st.info("logit_scale").numel());
      assertArrayEquals(new long[] {64, 3, 8, 8}, st.info("visual.conv1.weight").shape());
      assertArrayEquals(new long[] {16, 64}, st.info("positional_embedding").shape());
      assertEquals(stats.size(), st.names().size());
      // the fixture's config records each tensor's shape and max |x| as computed by torch
      for (String name : st.names()) {
        JsonNode s = stats.get(name);
        long[] shape = new ObjectMapper().convertValue(s.get("shape"), long[].class);
        assertArrayEquals(shape, st.info(name).shape(), name);
        float maxAbs = 0;
        for (float v : st.floats(name)) maxAbs = Math.max(maxAbs, Math.abs(v));
        assertEquals((float) s.get("max_abs").doubleValue(), maxAbs, name);
      }
    }
  }

  @Test
  void openClipModelFileHasNoMetadataAndMatchesDjlsOwnReader() throws IOException {
    Path file = Fixtures.fixture("clip_e2e_tiny", "open_clip_model.safetensors");
    try (SafeTensors st = SafeTensors.open(file); NDManager m = NDManager.newBaseManager()) {
      assertTrue(st.metadata().isEmpty());
      assertEquals(62, st.names().size());
      assertArrayEquals(new long[] {64, 3, 16, 16}, st.info("visual.conv1.weight").shape());
      Map<String, NDArray> ours = st.loadAll(m);
      assertEquals(st.names(), List.copyOf(ours.keySet()));
      NDList djl = NDList.decode(m, Files.readAllBytes(file)); // whole file in one array: fine at 13 MB
      assertEquals(ours.size(), djl.size());
      for (NDArray theirs : djl) {
        NDArray mine = ours.get(theirs.getName());
        assertEquals(theirs.getShape(), mine.getShape(), theirs.getName());
        assertEquals(DataType.FLOAT32, mine.getDataType());
        assertArrayEquals(theirs.toFloatArray(), mine.toFloatArray(), theirs.getName());
      }
    }
  }

  @Test
  void integerTensorsReadAsLongsAndRefuseFloats() throws IOException {
    try (SafeTensors st = SafeTensors.open(Fixtures.fixture("clip_vit_tiny", "inputs.safetensors"));
        NDManager m = NDManager.newBaseManager()) {
      long[] text = st.longs("text");
      assertEquals(4 * 16, text.length);
      assertEquals(999, java.util.Arrays.stream(text).max().orElseThrow());
      assertEquals(998, text[0]); // each row starts with sot
      NDArray loaded = st.load(m, "text");
      assertEquals(DataType.INT64, loaded.getDataType());
      assertEquals(new Shape(4, 16), loaded.getShape());
      assertArrayEquals(text, loaded.toLongArray());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> st.floats("text"));
      assertTrue(e.getMessage().contains("'text' is I64"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> st.longs("images"));
      assertTrue(e.getMessage().contains("'images' is F32"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> st.info("nope"));
      assertTrue(e.getMessage().contains("inputs.safetensors: no tensor 'nope'"), e.getMessage());
    }
  }

  @Test
  void hostArraysRoundTripBitExactWithPaddedHeaderAndMetadataFirst() throws IOException {
    float[] weights = {1.5f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
        Float.intBitsToFloat(0x7FC0_1234), 3.1415927f, -2e-38f};
    long[] ids = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 49407};
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("z.weight", HostTensor.f32(new long[] {2, 4}, weights)); // insertion order, not sorted
    tensors.put("logit_scale", HostTensor.f32(new long[0], new float[] {2.6592f}));
    tensors.put("a.ids", HostTensor.i64(new long[] {3, 2}, ids));
    tensors.put("empty", HostTensor.f32(new long[] {0, 5}, new float[0]));
    Path file = dir.resolve("round.safetensors");
    SafeTensorsWriter.writeArrays(file, tensors, Map.of("format", "pt"));

    byte[] raw = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8);
    String header = new String(raw, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"z.weight\":"), header);
    assertEquals(8 + n + 4 * 8 + 4 + 8 * 6, raw.length); // contiguous, no gaps
    try (SafeTensors st = SafeTensors.open(file)) {
      assertEquals(List.of("z.weight", "logit_scale", "a.ids", "empty"), st.names());
      assertEquals(Map.of("format", "pt"), st.metadata());
      assertArrayEquals(bits(weights), bits(st.floats("z.weight")));
      assertArrayEquals(new long[0], st.info("logit_scale").shape());
      assertArrayEquals(new float[] {2.6592f}, st.floats("logit_scale"));
      assertArrayEquals(ids, st.longs("a.ids"));
      assertArrayEquals(new long[] {0, 5}, st.info("empty").shape());
      assertEquals(0, st.floats("empty").length);
    }
  }

  @Test
  void ndArraysRoundTripThroughLoadIncludingScalarsAndInt32() throws IOException {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> arrays = new LinkedHashMap<>();
      arrays.put("w", m.randomNormal(new Shape(3, 5, 2)));
      arrays.put("logit_scale", m.create(4.6052f));
      arrays.put("ids", m.create(new long[] {7, -8, 9}));
      arrays.put("mask", m.create(new int[] {1, 0, -3}, new Shape(1, 3)));
      Path file = dir.resolve("nd.safetensors");
      SafeTensorsWriter.write(file, arrays, null);
      try (SafeTensors st = SafeTensors.open(file)) {
        assertTrue(st.metadata().isEmpty());
        assertEquals(DType.I32, st.info("mask").dtype());
        Map<String, NDArray> back = st.loadAll(m);
        assertEquals(List.copyOf(arrays.keySet()), List.copyOf(back.keySet()));
        assertEquals(new Shape(), back.get("logit_scale").getShape());
        assertEquals(DataType.INT64, back.get("mask").getDataType());
        assertArrayEquals(new long[] {1, 0, -3}, back.get("mask").toLongArray());
        assertArrayEquals(bits(arrays.get("w").toFloatArray()), bits(back.get("w").toFloatArray()));
        assertArrayEquals(arrays.get("logit_scale").toFloatArray(), back.get("logit_scale").toFloatArray());
        assertArrayEquals(arrays.get("ids").toLongArray(), back.get("ids").toLongArray());
      }
      // and DJL's reader, an independent implementation, reads what we wrote
      NDList djl = NDList.decode(m, Files.readAllBytes(file));
      assertEquals(4, djl.size());
      assertArrayEquals(arrays.get("w").toFloatArray(), djl.get(0).toFloatArray());
    }
  }

  @Test
  void f16ConvertsExactlyForEveryBitPattern() throws IOException {
    float[] got = readEveryBitPattern(DType.F16);
    for (int h = 0; h < got.length; h++) {
      int sign = h >>> 15;
      int exp = (h >>> 10) & 0x1F;
      int mant = h & 0x3FF;
      double magnitude = exp == 0 ? Math.scalb((double) mant, -24) : Math.scalb(1 + mant / 1024.0, exp - 15);
      if (exp == 0x1F) {
        if (mant == 0) assertEquals(Float.POSITIVE_INFINITY, Math.abs(got[h]));
        else assertEquals(0x7F80_0000 | (mant << 13), Float.floatToRawIntBits(got[h]) & 0x7FFF_FFFF, "NaN payload kept");
      } else {
        assertEquals(magnitude, Math.abs(got[h]), 0.0, Integer.toHexString(h));
      }
      assertEquals(sign, Float.floatToRawIntBits(got[h]) >>> 31, "sign of " + Integer.toHexString(h));
    }
    // landmarks: 1, -2, largest normal, smallest subnormal, largest subnormal, smallest normal, 1/3
    assertEquals(1.0f, got[0x3C00]);
    assertEquals(-2.0f, got[0xC000]);
    assertEquals(65504f, got[0x7BFF]);
    assertEquals(0x1p-24f, got[0x0001]);
    assertEquals(1023 * 0x1p-24f, got[0x03FF]);
    assertEquals(0x1p-14f, got[0x0400]);
    assertEquals(0.333251953125f, got[0x3555]);
    assertEquals(Float.NEGATIVE_INFINITY, got[0xFC00]);
    assertTrue(Float.isNaN(got[0x7E00]));
    assertEquals(0x8000_0000, Float.floatToRawIntBits(got[0x8000])); // -0.0 stays negative
  }

  @Test
  void bf16ConvertsExactlyForEveryBitPattern() throws IOException {
    float[] got = readEveryBitPattern(DType.BF16);
    for (int b = 0; b < got.length; b++) {
      int exp = (b >>> 7) & 0xFF;
      int mant = b & 0x7F;
      double sign = (b & 0x8000) != 0 ? -1 : 1;
      if (exp == 0xFF) {
        assertEquals(b << 16, Float.floatToRawIntBits(got[b]), "inf/NaN bits of " + Integer.toHexString(b));
      } else {
        double value = exp == 0 ? Math.scalb((double) mant, -133) : Math.scalb(1 + mant / 128.0, exp - 127);
        assertEquals(sign * value, got[b], 0.0, Integer.toHexString(b));
      }
    }
    assertEquals(1.0f, got[0x3F80]);
    assertEquals(-2.0f, got[0xC000]);
    assertEquals(0x1p-133f, got[0x0001]); // smallest subnormal
    assertEquals(Float.POSITIVE_INFINITY, got[0x7F80]);
    assertTrue(Float.isNaN(got[0x7FC0]));
  }

  @Test
  void otherWidthsWidenOrNarrow() throws IOException {
    Map<String, HostTensor> t = new LinkedHashMap<>();
    t.put("f64", raw(DType.F64, 8 * 3, b -> b.putDouble(1.0 / 3).putDouble(-1e300).putDouble(0.5)));
    t.put("i32", raw(DType.I32, 4 * 3, b -> b.putInt(Integer.MIN_VALUE).putInt(-1).putInt(123_456)));
    t.put("i16", raw(DType.I16, 2 * 2, b -> b.putShort((short) -32768).putShort((short) 7)));
    t.put("i8", raw(DType.I8, 2, b -> b.put((byte) -128).put((byte) 127)));
    t.put("u8", raw(DType.U8, 2, b -> b.put((byte) 0xFF).put((byte) 1)));
    t.put("bool", raw(DType.BOOL, 3, b -> b.put((byte) 1).put((byte) 0).put((byte) 1)));
    Path file = dir.resolve("widths.safetensors");
    SafeTensorsWriter.writeArrays(file, t, Map.of());
    try (SafeTensors st = SafeTensors.open(file); NDManager m = NDManager.newBaseManager()) {
      assertArrayEquals(new float[] {(float) (1.0 / 3), Float.NEGATIVE_INFINITY, 0.5f}, st.floats("f64"));
      assertArrayEquals(new long[] {Integer.MIN_VALUE, -1, 123_456}, st.longs("i32"));
      assertArrayEquals(new long[] {-32768, 7}, st.longs("i16"));
      assertArrayEquals(new long[] {-128, 127}, st.longs("i8"));
      assertArrayEquals(new long[] {255, 1}, st.longs("u8"));
      assertArrayEquals(new long[] {1, 0, 1}, st.longs("bool"));
      assertEquals(DataType.FLOAT32, st.load(m, "f64").getDataType());
      assertEquals(DataType.INT64, st.load(m, "bool").getDataType());
    }
  }

  @Test
  void smallMappingWindowsGiveTheSameTensors() throws IOException {
    Path file = Fixtures.fixture("clip_vit_tiny", "weights.safetensors");
    // 1001 is not a multiple of 4, so F32 elements straddle window edges and come from the overlap
    try (SafeTensors whole = SafeTensors.open(file); SafeTensors windowed = SafeTensors.open(file, 1001)) {
      for (String name : whole.names()) assertArrayEquals(whole.floats(name), windowed.floats(name), name);
    }
    // unaligned tensors after a 3-byte one, read through the smallest window that holds an element
    Map<String, HostTensor> t = new LinkedHashMap<>();
    t.put("u8", raw(DType.U8, 3, b -> b.put((byte) 1).put((byte) 2).put((byte) 3)));
    t.put("f32", HostTensor.f32(new long[] {5}, new float[] {1, -2, 3.5f, 1e-30f, 7}));
    t.put("i64", HostTensor.i64(new long[] {3}, new long[] {-5, Long.MAX_VALUE, 42}));
    Path unaligned = dir.resolve("unaligned.safetensors");
    SafeTensorsWriter.writeArrays(unaligned, t, null);
    try (SafeTensors st = SafeTensors.open(unaligned, MappedData.OVERLAP)) {
      assertEquals(3, st.info("f32").byteOffset());
      assertArrayEquals(new long[] {1, 2, 3}, st.longs("u8"));
      assertArrayEquals(new float[] {1, -2, 3.5f, 1e-30f, 7}, st.floats("f32"));
      assertArrayEquals(new long[] {-5, Long.MAX_VALUE, 42}, st.longs("i64"));
    }
  }

  @Test
  void tensorsPastTwoGigabytesReadFromASparseFile() throws IOException {
    long straddle = (1L << 31) - 8; // 4 floats across the 2 GiB mapping-window edge
    long far = 3L * (1 << 30) + 4; // in the fourth window, 4-byte aligned only
    String json = "{\"head\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"edge\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[" + straddle + "," + (straddle + 16) + "]},"
        + "\"far\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[" + far + "," + (far + 24) + "]}}";
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    long dataStart = 8 + header.length;
    long size = dataStart + far + 24;
    Path file = dir.resolve("sparse.safetensors");
    assumeTrue(Files.getFileStore(dir).getUsableSpace() > 2 * size, "no room for a " + size + "-byte file");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size); // sparse: the gaps between tensors take no disk
      ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
      head.putLong(header.length).put(header);
      f.write(head.array());
      f.getChannel().write(leFloats(1.25f, -7f), dataStart);
      f.getChannel().write(leFloats(10f, 20f, 30f, 40f), dataStart + straddle);
      ByteBuffer longs = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(-3).putLong(1L << 40).putLong(9);
      f.getChannel().write(longs.flip(), dataStart + far);
    } catch (IOException e) {
      assumeTrue(false, "filesystem cannot make a sparse " + size + "-byte file: " + e.getMessage());
    }
    try (SafeTensors st = SafeTensors.open(file); NDManager m = NDManager.newBaseManager()) {
      assertArrayEquals(new float[] {1.25f, -7f}, st.floats("head"));
      assertArrayEquals(new float[] {10f, 20f, 30f, 40f}, st.floats("edge"));
      assertArrayEquals(new float[] {10f, 20f, 30f, 40f}, st.load(m, "edge").toFloatArray());
      assertArrayEquals(new long[] {-3, 1L << 40, 9}, st.longs("far"));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static ByteBuffer leFloats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) b.putFloat(v);
    return b.flip();
  }

  /** Writes all 65536 16-bit patterns in order as one {@code dtype} tensor and reads them back as floats. */
  private float[] readEveryBitPattern(DType dtype) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(2 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 1 << 16; i++) b.putShort((short) i);
    Path file = dir.resolve(dtype + ".safetensors");
    SafeTensorsWriter.writeArrays(file, Map.of("x", new HostTensor(dtype, new long[] {1 << 16}, b.flip())), null);
    try (SafeTensors st = SafeTensors.open(file)) {
      return st.floats("x");
    }
  }

  private static HostTensor raw(DType dtype, int bytes, java.util.function.Consumer<ByteBuffer> fill) {
    ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    fill.accept(b);
    return new HostTensor(dtype, new long[] {bytes / dtype.bytes()}, b.flip());
  }

  private static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) out[i] = Float.floatToRawIntBits(values[i]);
    return out;
  }
}
