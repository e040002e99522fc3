package dev.vlt.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed and hostile files fail at open with one line naming the file and the problem; failed writes change nothing. */
class SafeTensorsHostileTest {
  @TempDir Path dir;

  private static final String F32_2X2 = "{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}";

  static Stream<Arguments> badHeaders() {
    return Stream.of(
        Arguments.of("not JSON", "{\"a\": ", 0, "header is not valid JSON at line 1"),
        Arguments.of("not an object", "[1, 2]", 0, "header is an array, not a JSON object"),
        Arguments.of("only spaces", "        ", 0, "header is empty"),
        Arguments.of("trailing garbage", "{} x", 0, "header is not valid JSON"),
        Arguments.of("duplicate name", "{\"a\":" + F32_2X2 + ",\"a\":" + F32_2X2 + "}", 16, "Duplicate field 'a'"),
        Arguments.of("unknown dtype", "{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2,
            "tensor 'a': unknown dtype 'Q4'"),
        Arguments.of("negative dim", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,8]}}", 8,
            "tensor 'a': shape holds -1, a negative dimension"),
        Arguments.of("fractional dim", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8,
            "shape holds a number 2.5, not a 64-bit integer"),
        Arguments.of("size mismatch", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 16,
            "tensor 'a': shape [2, 2] of F32 needs 16 bytes but data_offsets [0, 12] hold 12"),
        Arguments.of("offsets past the data", "{\"a\":" + F32_2X2 + "}", 8,
            "tensor 'a': data_offsets [0, 16] run past the end of the data buffer (8 bytes)"),
        Arguments.of("end before begin", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 16,
            "tensor 'a': data_offsets end 4 < begin 8"),
        Arguments.of("three offsets", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]}}", 4,
            "data_offsets [0, 1, 2] is not [begin, end]"),
        Arguments.of("offset beyond 64 bits", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,"
            + "1180591620717411303424]}}", 4, "not a 64-bit integer"),
        Arguments.of("overlap", "{\"a\":" + F32_2X2 + ",\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}",
            24, "tensors 'a' [0, 16) and 'b' [8, 24) overlap"),
        Arguments.of("size overflow", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],"
            + "\"data_offsets\":[0,16]}}", 16, "shape [1099511627776, 1099511627776] is too large"),
        Arguments.of("missing field", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "tensor 'a' lacks data_offsets"),
        Arguments.of("tensor not an object", "{\"a\":[1]}", 0, "tensor 'a' is an array, not an object"),
        Arguments.of("metadata not strings", "{\"__metadata__\":{\"epoch\":3}}", 0,
            "__metadata__ value for 'epoch' is a number, not a string"),
        Arguments.of("newline in a name", "{\"a\\nb\":[]}", 0, "tensor 'a b' is an array"),
        Arguments.of("deep nesting in a skipped field", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],"
            + "\"extra\":" + "[".repeat(5000) + "]}}", 1, "header is not valid JSON: Document nesting depth (1001) exceeds"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badHeaders")
  void badHeaderIsOneLineNamingFileAndProblem(String label, String json, int dataBytes, String expected)
      throws IOException {
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("bad.safetensors");
    Files.write(file, concat(lengthPrefix(header.length), header, new byte[dataBytes]));
    assertRejected(file, expected);
  }

  @Test
  void gapsBetweenTensorsAreAllowed() throws IOException {
    String json = "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[6,8]},\"b\":{\"dtype\":\"U8\",\"shape\":[1],"
        + "\"data_offsets\":[1,2]},\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[7,7]}}";
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("gaps.safetensors");
    Files.write(file, concat(lengthPrefix(header.length), header, new byte[] {0, 5, 0, 0, 0, 0, 7, 9}));
    try (SafeTensors st = SafeTensors.open(file)) {
      assertEquals(List.of("a", "b", "e"), st.names());
      assertArrayEquals(new long[] {7, 9}, st.longs("a"));
      assertArrayEquals(new long[] {5}, st.longs("b"));
    }
  }

  @Test
  void truncatedAndHugeLengthPrefixesAreRejected() throws IOException {
    Path file = dir.resolve("short.safetensors");
    Files.write(file, new byte[] {1, 2, 3});
    assertRejected(file, "file is 3 bytes, too short for the 8-byte header length");
    Files.write(file, lengthPrefix(1000));
    assertRejected(file, "header length 1000 runs past the end of the file (8 bytes)");
    Files.write(file, lengthPrefix(Long.MIN_VALUE)); // 2^63 as an unsigned length
    assertRejected(file, "header length 9223372036854775808 is absurdly large");
    Files.write(file, lengthPrefix(-1)); // 2^64 - 1
    assertRejected(file, "header length 18446744073709551615 is absurdly large");
    Files.write(file, lengthPrefix(200_000_000));
    assertRejected(file, "header length 200000000 is absurdly large");
    Files.write(file, concat(lengthPrefix(4), new byte[] {'{', (byte) 0xC3, '}', ' '}));
    assertRejected(file, "header is not valid UTF-8");
  }

  @Test
  void unsupportedDtypeLeavesTheOldFileAndNoTempFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    SafeTensorsWriter.writeArrays(file, Map.of("old", HostTensor.f32(new long[] {2}, new float[] {1, 2})), null);
    byte[] before = Files.readAllBytes(file);
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> arrays = new LinkedHashMap<>();
      arrays.put("first", m.create(new float[] {3, 4}));
      arrays.put("second", m.create(new double[] {5}));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SafeTensorsWriter.write(file, arrays, null));
      assertTrue(e.getMessage().contains("model.safetensors: tensor 'second' is float64"), e.getMessage());
    }
    assertArrayEquals(before, Files.readAllBytes(file));
    assertEquals(List.of(file), listDir());
  }

  @Test
  void failureMidwayLeavesTheOldFileAndNoTempFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    SafeTensorsWriter.writeArrays(file, Map.of("old", HostTensor.f32(new long[] {2}, new float[] {1, 2})), null);
    byte[] before = Files.readAllBytes(file);
    ByteBuffer first = HostTensor.f32(new long[] {1000}, new float[1000]).littleEndianData();
    long[] tempSizeAtFailure = {-1};
    List<SafeTensorsWriter.Pending> pending = List.of(
        new SafeTensorsWriter.Pending("first", DType.F32, new long[] {1000}, first::duplicate),
        new SafeTensorsWriter.Pending("second", DType.F32, new long[] {3}, () -> {
          // the disk "fills up" after the first tensor went out: the temp file holds it by now
          for (Path p : listDir()) if (!p.equals(file)) tempSizeAtFailure[0] = Files.size(p);
          throw new IOException("No space left on device");
        }));
    IOException e = assertThrows(IOException.class, () -> SafeTensorsWriter.write(file, pending, Map.of("k", "v")));
    assertEquals("No space left on device", e.getMessage());
    assertTrue(tempSizeAtFailure[0] > 4000, "temp file held the first tensor: " + tempSizeAtFailure[0]);
    assertArrayEquals(before, Files.readAllBytes(file));
    assertEquals(List.of(file), listDir());
  }

  @Test
  void sourceGivingTheWrongByteCountFailsTheWrite() throws IOException {
    Path file = dir.resolve("fresh.safetensors");
    List<SafeTensorsWriter.Pending> pending = List.of(
        new SafeTensorsWriter.Pending("x", DType.I64, new long[] {2}, () -> ByteBuffer.allocate(12)));
    IOException e = assertThrows(IOException.class, () -> SafeTensorsWriter.write(file, pending, null));
    assertTrue(e.getMessage().contains("tensor 'x' gave 12 bytes, expected 16"), e.getMessage());
    assertFalse(Files.exists(file));
    assertEquals(List.of(), listDir());
  }

  @Test
  void reservedNameAndBadHostTensorsAreCallerErrors() {
    Path file = dir.resolve("x.safetensors");
    HostTensor one = HostTensor.f32(new long[] {1}, new float[] {1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SafeTensorsWriter.writeArrays(file, Map.of("__metadata__", one), null));
    assertTrue(e.getMessage().contains("__metadata__ is reserved"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> HostTensor.f32(new long[] {2, 2}, new float[3]));
    assertTrue(e.getMessage().contains("F32[2, 2] needs 16 bytes but the buffer holds 12"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DType.parse("F8_E4M3"));
    assertTrue(e.getMessage().startsWith("unknown dtype 'F8_E4M3' (vlt reads F64, F32"), e.getMessage());
  }

  private static void assertRejected(Path file, String expected) {
    SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(file).close());
    String message = e.getMessage();
    assertTrue(message.startsWith(file + ": "), message);
    assertTrue(message.contains(expected), "expected «" + expected + "» in «" + message + "»");
    assertFalse(message.contains("\n"), "one line: " + message);
  }

  private List<Path> listDir() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static byte[] lengthPrefix(long n) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer b = ByteBuffer.allocate(Stream.of(parts).mapToInt(p -> p.length).sum());
    for (byte[] p : parts) b.put(p);
    return b.array();
  }
}
