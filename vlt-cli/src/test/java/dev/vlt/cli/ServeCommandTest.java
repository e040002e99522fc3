package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vlt serve}'s exposure rules as a user meets them: what it prints, what it refuses, what it asks of clients. */
class ServeCommandTest {
  static final String MODEL = TokenizeCommandTest.MODEL.toString();
  static final String MERGES = TokenizeCommandTest.MERGES.toString();
  static final Pattern TOKEN_URL = Pattern.compile("(http://\\S+/)\\?token=([A-Za-z0-9_-]+)");
  static final HttpClient http = HttpClient.newHttpClient();

  /** A {@code vlt serve} running on its own thread, with its output captured. */
  record Serving(ServeCommand command, Thread thread, StringWriter out, StringWriter err, int port, int[] exit) implements AutoCloseable {
    static Serving start(Map<String, String> env, String... args) throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      ServeCommand command = new ServeCommand();
      command.env = env::get;
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(command).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
      List<String> all = new ArrayList<>(List.of("--model", MODEL, "--tokenizer", MERGES, "--port", Integer.toString(port)));
      all.addAll(List.of(args));
      int[] exit = {-1};
      Thread t = new Thread(() -> exit[0] = cli.execute(all.toArray(String[]::new)));
      t.start();
      Serving s = new Serving(command, t, out, err, port, exit);
      for (int i = 0; i < 600 && !s.out().toString().contains("vlt serve:") && t.isAlive(); i++) Thread.sleep(100);
      assertTrue(s.out().toString().contains("vlt serve:"), "started: " + err);
      return s;
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
      if (headers.length > 0) b.headers(headers);
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
      command.stop.countDown();
      thread.join(30_000);
      assertEquals(0, exit[0], err.toString());
    }
  }

  @Test
  void listeningOnEveryAddressPrintsAUrlWithAGeneratedToken() throws Exception {
    String token;
    try (Serving s = Serving.start(Map.of(), "--host", "0.0.0.0")) {
      String out = s.out().toString();
      Matcher m = TOKEN_URL.matcher(out);
      List<String> urls = new ArrayList<>();
      while (m.find()) urls.add(m.group(1));
      assertTrue(urls.contains("http://127.0.0.1:" + s.port() + "/"), out);
      assertFalse(out.contains("0.0.0.0"), "a wildcard address is no URL to open: " + out);
      m.reset().find();
      token = m.group(2);
      assertEquals(43, token.length(), "32 random bytes, base64url");
      assertTrue(s.err().toString().contains("other machines can reach this server"), s.err().toString());

      assertEquals(401, s.get("/api/health").statusCode());
      assertEquals(401, s.get("/api/health", "Authorization", "Bearer " + token.substring(1)).statusCode());
      assertEquals(200, s.get("/api/health", "Authorization", "Bearer " + token).statusCode());
      HttpResponse<String> page = s.get("/?token=" + token);
      assertEquals(303, page.statusCode(), "the printed URL trades the token for the cookie");
      assertTrue(page.headers().firstValue("Set-Cookie").orElse("").contains("HttpOnly"));
    }
    try (Serving again = Serving.start(Map.of(), "--host", "0.0.0.0")) {
      Matcher m = TOKEN_URL.matcher(again.out().toString());
      assertTrue(m.find());
      assertFalse(m.group(2).equals(token), "a new token each start");
    }
  }

  @Test
  void noAuthWarnsAndTheHostCheckStillApplies() throws Exception {
    try (Serving s = Serving.start(Map.of(), "--host", "0.0.0.0", "--no-auth", "--allow-host", "vlt.example.com")) {
      assertFalse(s.out().toString().contains("token="), s.out().toString());
      String err = s.err().toString();
      assertTrue(err.startsWith("vlt: warning: --no-auth"), err);
      assertEquals(1, err.strip().split("\n").length, err);
      assertEquals(200, s.get("/api/health").statusCode());
    }
  }

  @Test
  void aTokenFromTheEnvironmentIsRequiredButNeverPrinted() throws Exception {
    String token = "from-the-environment-0123456789";
    try (Serving s = Serving.start(Map.of("VLT_SERVE_TOKEN", token))) {
      assertFalse(s.out().toString().contains(token), s.out().toString());
      assertFalse(s.err().toString().contains(token), s.err().toString());
      assertTrue(s.out().toString().contains("http://127.0.0.1:" + s.port() + "/ "), s.out().toString());
      assertEquals(401, s.get("/api/health").statusCode());
      assertEquals(200, s.get("/api/health", "Authorization", "Bearer " + token).statusCode());
    }
    // --token wins over the environment
    try (Serving s = Serving.start(Map.of("VLT_SERVE_TOKEN", token), "--token", "given-on-the-command-line")) {
      assertEquals(401, s.get("/api/health", "Authorization", "Bearer " + token).statusCode());
      assertEquals(200, s.get("/api/health", "Authorization", "Bearer given-on-the-command-line").statusCode());
    }
  }

  @Test
  void contradictionsAndMalformedValuesAreOneLineExitTwo() {
    List<List<String>> mistakes = List.of(
        List.of("--token", "abcdefghijklmnopqrstuvwxyz", "--no-auth"),
        List.of("--token", "too-short"),
        List.of("--token", "has;a;semicolon;0123456789"),
        List.of("--cors-origin", "*"),
        List.of("--cors-origin", "https://app.example.com/path"),
        List.of("--allow-host", "http://vlt.example.com"));
    for (List<String> mistake : mistakes) {
      List<String> args = new ArrayList<>(List.of("serve", "--model", MODEL, "--tokenizer", MERGES, "--port", "0"));
      args.addAll(mistake);
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream old = System.err;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit;
      try {
        exit = Vlt.execute(args.toArray(String[]::new));
      } finally {
        System.setErr(old);
      }
      String message = err.toString(StandardCharsets.UTF_8).strip();
      assertEquals(2, exit, mistake + ": " + message);
      assertTrue(message.startsWith("vlt: "), message);
      assertEquals(1, message.split("\n").length, message);
    }
  }

  @Test
  void helpSaysThereIsNoCorsUnlessAskedAndWhereTlsComesFrom() {
    int[] exit = new int[1];
    String help = TokenizeCommandTest.capture(() -> Vlt.execute("serve", "--help"), exit);
    assertEquals(0, exit[0]);
    String flat = help.replaceAll("\\s+", " ");
    assertTrue(flat.contains("No CORS headers are sent"), help);
    for (String option : List.of("--token", "--no-auth", "--allow-host", "--cors-origin", "--trust-proxy")) assertTrue(help.contains(option), option);
    assertTrue(flat.contains("reverse proxy in front for HTTPS"), help);
  }
}
