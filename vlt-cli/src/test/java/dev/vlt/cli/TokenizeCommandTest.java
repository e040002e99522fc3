package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vlt tokenize} on the end-to-end fixture folder prints open_clip's rows; {@code bench tokenizer} prints a figure. */
class TokenizeCommandTest {
  static final Path SHARED = Path.of(System.getProperty("vlt.shared", "../../shared"));
  static final Path MODEL = SHARED.resolve("fixtures/clip_e2e_tiny");
  static final Path MERGES = SHARED.resolve("fixtures/tokenizer/bpe_simple_vocab_16e6.txt.gz");
  static final ObjectMapper JSON = new ObjectMapper();

  /** Runs a command with System.out captured; the exit code goes to {@code exit[0]}. */
  static String capture(java.util.function.IntSupplier command, int[] exit) {
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      exit[0] = command.getAsInt();
    } finally {
      System.setOut(old);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** What {@code command} writes to standard error (standard output is left alone). */
  static String captureErr(java.util.function.IntSupplier command, int[] exit) {
    PrintStream old = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      exit[0] = command.getAsInt();
    } finally {
      System.setErr(old);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsOneJsonLinePerTextWithOpenClipIds() throws Exception {
    JsonNode expected = JSON.readTree(MODEL.resolve("expected/texts.json").toFile()).get("texts");
    List<String> args = new ArrayList<>(List.of("tokenize", "--model", MODEL.toString(), "--tokenizer", MERGES.toString()));
    expected.forEach(t -> args.add(t.get("text").asText()));
    args.add("-42"); // a text, not an option
    int[] exit = new int[1];
    String out = capture(() -> Vlt.execute(args.toArray(String[]::new)), exit);
    assertEquals(0, exit[0]);
    String[] lines = out.split("\n");
    assertEquals(expected.size() + 1, lines.length);
    for (int i = 0; i < expected.size(); i++) {
      JsonNode line = JSON.readTree(lines[i]);
      assertEquals(expected.get(i).get("text").asText(), line.get("text").asText());
      assertEquals(expected.get(i).get("ids"), line.get("ids"), line.get("text").asText());
    }
    assertEquals("-42", JSON.readTree(lines[expected.size()]).get("text").asText());
  }

  @Test
  void aMissingModelFolderIsAUserError() {
    int[] exit = new int[1];
    capture(() -> Vlt.execute("tokenize", "--model", "/nonexistent/model", "a cat"), exit);
    assertEquals(2, exit[0]);
  }

  @Test
  void benchPrintsCaptionsPerSecond() throws Exception {
    int[] exit = new int[1];
    String out = capture(() -> new CommandLine(new BenchTokenizerCommand())
        .execute("--tokenizer", MERGES.toString(), "--captions", "3000", "--json"), exit);
    assertEquals(0, exit[0]);
    JsonNode r = JSON.readTree(out.strip());
    assertEquals(3000, r.get("captions").asInt());
    assertTrue(r.get("captions_per_s").asDouble() > 0 && r.get("fresh_cache_captions_per_s").asDouble() > 0, out);
    assertTrue(r.get("tokens_per_caption").asDouble() > 5, out);
  }
}
