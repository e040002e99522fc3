package dev.vlt.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and fully checked header of a safetensors file. Every number is checked before anything is mapped, so a
 * hostile header ends in a {@link SafeTensorsException}, never an out-of-range read or an OutOfMemoryError.
 *
 * @param tensors in header order
 * @param dataStart file offset of the data buffer: 8 + header length
 * @param dataLength bytes from dataStart to the end of the file
 */
record SafeTensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata, long dataStart, long dataLength) {
  static final String METADATA_KEY = "__metadata__";
  /** The reference implementation's limit; real headers are at most a few MB. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  static SafeTensorsHeader read(Path file, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size < 8) throw new SafeTensorsException(file, "file is " + size + " bytes, too short for the 8-byte header length");
    long n = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    // n is unsigned in the format: a negative long is a length of 2^63 or more
    if (n < 0 || n > MAX_HEADER_BYTES) {
      throw new SafeTensorsException(file, "header length " + Long.toUnsignedString(n) + " is absurdly large (limit "
          + MAX_HEADER_BYTES + " bytes)");
    }
    if (n > size - 8) {
      throw new SafeTensorsException(file, "header length " + n + " runs past the end of the file (" + size + " bytes)");
    }
    String text;
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(readFully(channel, 8, (int) n));
      text = chars.toString();
    } catch (CharacterCodingException e) {
      throw new SafeTensorsException(file, "header is not valid UTF-8");
    }
    return parse(file, text, 8 + n, size - 8 - n);
  }

  /** Streams the JSON (no tree) so a hostile 100 MB header costs memory in proportion to its tensors, not its tokens. */
  private static SafeTensorsHeader parse(Path file, String text, long dataStart, long dataLength)
      throws SafeTensorsException {
    List<TensorInfo> tensors = new ArrayList<>();
    Map<String, String> metadata = Map.of();
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) throw new SafeTensorsException(file, "header is empty");
      if (first != JsonToken.START_OBJECT) {
        throw new SafeTensorsException(file, "header is " + kind(first) + ", not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals(METADATA_KEY)) metadata = metadata(file, p);
        else tensors.add(tensor(file, name, p, dataLength));
      }
      if (p.nextToken() != null) throw new SafeTensorsException(file, "header has content after its JSON object");
    } catch (SafeTensorsException e) {
      throw e;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
      throw new SafeTensorsException(file, "header is not valid JSON" + where + ": " + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new IllegalStateException("reading JSON from a String cannot fail", e);
    }
    checkDisjoint(file, tensors);
    return new SafeTensorsHeader(Collections.unmodifiableList(tensors), metadata, dataStart, dataLength);
  }

  private static Map<String, String> metadata(Path file, JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new SafeTensorsException(file, METADATA_KEY + " is " + kind(p.currentToken()) + ", not an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw new SafeTensorsException(file, METADATA_KEY + " value for " + quote(key) + " is " + kind(p.currentToken())
            + ", not a string");
      }
      out.put(key, p.getText());
    }
    return Collections.unmodifiableMap(out);
  }

  private static TensorInfo tensor(Path file, String name, JsonParser p, long dataLength) throws IOException {
    String where = "tensor " + quote(name);
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new SafeTensorsException(file, where + " is " + kind(p.currentToken()) + ", not an object");
    }
    DType dtype = null;
    long[] shape = null;
    long[] offsets = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "dtype" -> {
          if (value != JsonToken.VALUE_STRING) {
            throw new SafeTensorsException(file, where + ": dtype is " + kind(value) + ", not a string");
          }
          try {
            dtype = DType.parse(p.getText());
          } catch (IllegalArgumentException e) {
            throw new SafeTensorsException(file, where + ": " + oneLine(e.getMessage()));
          }
        }
        case "shape" -> shape = longs(file, where, field, p);
        case "data_offsets" -> offsets = longs(file, where, field, p);
        default -> p.skipChildren(); // the reference reader ignores unknown fields too
      }
    }
    if (dtype == null || shape == null || offsets == null) {
      String missing = dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets";
      throw new SafeTensorsException(file, where + " lacks " + missing);
    }
    if (offsets.length != 2) {
      throw new SafeTensorsException(file, where + ": data_offsets " + Arrays.toString(offsets) + " is not [begin, end]");
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (end < begin) throw new SafeTensorsException(file, where + ": data_offsets end " + end + " < begin " + begin);
    if (end > dataLength) {
      throw new SafeTensorsException(file, where + ": data_offsets [" + begin + ", " + end
          + "] run past the end of the data buffer (" + dataLength + " bytes)");
    }
    long bytes;
    try {
      bytes = SafeTensorsWriter.byteLength(dtype, shape);
    } catch (ArithmeticException e) {
      throw new SafeTensorsException(file, where + ": shape " + Arrays.toString(shape)
          + " is too large (its size overflows)");
    }
    if (bytes != end - begin) {
      throw new SafeTensorsException(file, where + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs " + bytes
          + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
    }
    return new TensorInfo(name, dtype, shape, begin, bytes);
  }

  /** A JSON array of non-negative 64-bit integers. */
  private static long[] longs(Path file, String where, String field, JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new SafeTensorsException(file, where + ": " + field + " is " + kind(p.currentToken()) + ", not an array");
    }
    long[] out = new long[4];
    int n = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw new SafeTensorsException(file, where + ": " + field + " holds " + kind(t) + " " + oneLine(p.getText())
            + ", not a 64-bit integer");
      }
      long v = p.getLongValue();
      if (v < 0) {
        throw new SafeTensorsException(file, where + ": " + field + " holds " + v + ", a negative "
            + (field.equals("shape") ? "dimension" : "offset"));
      }
      if (n == out.length) out = Arrays.copyOf(out, n * 2);
      out[n++] = v;
    }
    return Arrays.copyOf(out, n);
  }

  private static String kind(JsonToken t) {
    if (t == null) return "missing";
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.name();
    };
  }

  /** Gaps between tensors are allowed (the format does not forbid them); shared bytes are not. */
  private static void checkDisjoint(Path file, List<TensorInfo> tensors) throws SafeTensorsException {
    List<TensorInfo> byOffset = new ArrayList<>(tensors);
    byOffset.removeIf(t -> t.byteLength() == 0);
    byOffset.sort(Comparator.comparingLong(TensorInfo::byteOffset));
    for (int i = 1; i < byOffset.size(); i++) {
      TensorInfo a = byOffset.get(i - 1);
      TensorInfo b = byOffset.get(i);
      if (b.byteOffset() < a.byteOffset() + a.byteLength()) {
        throw new SafeTensorsException(file, "tensors " + quote(a.name()) + " " + range(a) + " and " + quote(b.name()) + " "
            + range(b) + " overlap");
      }
    }
  }

  private static String range(TensorInfo t) {
    return "[" + t.byteOffset() + ", " + (t.byteOffset() + t.byteLength()) + ")";
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      if (channel.read(buf, position + buf.position()) < 0) throw new java.io.EOFException("file shrank while reading");
    }
    return buf.flip();
  }

  /** Quotes a name from the file for a one-line message: control characters escaped, long names cut. */
  static String quote(String s) {
    return "'" + oneLine(s.length() > 200 ? s.substring(0, 200) + "..." : s) + "'";
  }

  private static String oneLine(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '\n' || c == '\r') b.append(' ');
      else if (Character.isISOControl(c)) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.toString();
  }
}
