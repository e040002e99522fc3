package dev.vlt.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.data.TestSafetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** open_clip's own eval transform output on 15 photos and 10 emoji (clip_e2e_tiny/expected): uint8 and float, exact. */
class EvalTransformParityTest {
  private static final Path EXPECTED = Fixtures.fixture("clip_e2e_tiny", "expected");

  @Test
  void matchesOpenClipBitExactly() throws IOException {
    JsonNode info = new ObjectMapper().readTree(EXPECTED.resolve("images.json").toFile());
    TestSafetensors st = TestSafetensors.read(EXPECTED.resolve("images.safetensors"));
    EvalTransform transform = new EvalTransform(PreprocessConfig.openai(64));
    Map<String, JsonNode> perFile = new HashMap<>();
    for (JsonNode img : info.get("images")) perFile.put(img.get("file").asText(), img);

    int maxLevels = 0;
    int images = 0;
    for (JsonNode name : info.get("image_order")) {
      String file = name.asText();
      JsonNode meta = perFile.get(file);
      Raster8 raster = ImageDecoder.decode(zipEntry(meta.get("source_zip").asText(), file), file);
      assertEquals(meta.get("mode").asText(), pilMode(raster.mode()), file + " mode");
      assertEquals(meta.get("width").asInt(), raster.width(), file + " width");
      assertEquals(meta.get("height").asInt(), raster.height(), file + " height");
      int[] resized = EvalTransform.shortestSideSize(raster.width(), raster.height(), 64);
      assertEquals(meta.get("resized_width").asInt(), resized[0], file + " resized width");
      assertEquals(meta.get("resized_height").asInt(), resized[1], file + " resized height");

      byte[] rgb = transform.rgbUint8(raster);
      float[] expectedRgb = st.get("rgb_uint8." + file); // [3, 64, 64]
      int levels = 0;
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 64 * 64; i++) {
          levels = Math.max(levels, Math.abs((rgb[i * 3 + c] & 0xFF) - (int) expectedRgb[c * 64 * 64 + i]));
        }
      }
      maxLevels = Math.max(maxLevels, levels);
      assertEquals(0, levels, file + ": rgb_uint8 differs by " + levels + " levels");

      float[] pixels = transform.apply(raster);
      float[] expected = st.get("pixels." + file);
      assertEquals(expected.length, pixels.length, file + " tensor size");
      for (int i = 0; i < expected.length; i++) {
        if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(pixels[i])) {
          throw new AssertionError(file + ": pixels[" + i + "] = " + pixels[i] + ", open_clip has " + expected[i]);
        }
      }
      images++;
    }
    assertEquals(25, images);
    assertTrue(maxLevels == 0);
    System.out.println("eval transform parity: " + images + " images, max uint8 difference " + maxLevels + ", pixels bit-exact");
  }

  /** The fixture names zips as "shared/data/<set>/<zip>". */
  private static byte[] zipEntry(String sourceZip, String entry) throws IOException {
    String[] parts = sourceZip.split("/");
    try (ZipFile zip = new ZipFile(Fixtures.data(parts[parts.length - 2], parts[parts.length - 1]).toFile())) {
      return zip.getInputStream(zip.getEntry(entry)).readAllBytes();
    }
  }

  private static String pilMode(Raster8.Mode mode) {
    return switch (mode) {
      case PALETTE_RGB, PALETTE_RGBA -> "P";
      case BILEVEL -> "1";
      default -> mode.name();
    };
  }
}
