package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchDataCommandTest {
  @Test
  void printsImagesPerSecond() throws Exception {
    String text = run("--images", "6", "--width", "80", "--height", "60", "--size", "32", "--threads", "2");
    assertTrue(text.startsWith("bench data: 6 images (generated JPEGs, eval transform), the first 80x60 -> [3, 32, 32]"), text);
    assertTrue(text.matches("(?s).*1 thread : +\\d+\\.\\d images/s.*2 threads: +\\d+\\.\\d images/s.*headroom\\s*"), text);

    JsonNode json = new ObjectMapper().readTree(run("--images", "4", "--width", "50", "--height", "40", "--size", "16", "--json"));
    assertEquals(4, json.get("images").asInt());
    assertTrue(json.get("single_thread_images_per_s").asDouble() > 0);
    assertTrue(json.get("loader_images_per_s").asDouble() > 0);
    assertTrue(json.get("decode_ms").asDouble() > 0);
  }

  /** Real photographs (JPEG and PNG) of the bundled set through the training transform at 224 px. */
  @Test
  void timesRealFilesThroughTheTrainingTransform() {
    String text = run("--data", "photos", "--images", "20", "--size", "224", "--threads", "2");
    assertTrue(text.startsWith("bench data: 20 images (skimage photos (15 samples, 14 classes) (15 files, cycled), training transform)"), text);
    assertTrue(text.contains("-> [3, 224, 224]") && text.contains("headroom"), text);
  }

  private static String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, new CommandLine(new BenchDataCommand()).execute(args));
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
