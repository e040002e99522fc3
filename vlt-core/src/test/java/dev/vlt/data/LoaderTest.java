package dev.vlt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.ImageTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.TestImages;
import dev.vlt.data.image.TrainTransform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTest {
  private static NDManager manager;
  @TempDir Path dir;

  @BeforeAll
  static void engine() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void closeEngine() {
    manager.close();
  }

  /** One batch reduced to what must be reproducible: sample ids, captions and the pixels. */
  private record Seen(List<String> ids, List<String> captions, float[] pixels, Loader.Position next) {}

  @Test
  void badDataIsSkippedCountedAndNamed() throws IOException {
    int good = 11;
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < good; i++) {
      Files.write(dir.resolve("ok" + i + ".jpg"), TestImages.encode(TestImages.gradient(40 + i, 30), "jpeg"));
      lines.add("{\"image\": \"ok" + i + ".jpg\", \"caption\": \"picture " + i + "\"}");
    }
    byte[] jpeg = TestImages.encode(TestImages.gradient(120, 90), "jpeg");
    Files.write(dir.resolve("empty.png"), new byte[0]);
    Files.write(dir.resolve("half.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
    Files.writeString(dir.resolve("notes.png"), "these are notes, not pixels");
    Files.write(dir.resolve("huge.png"), TestImages.pngHeaderOnly(30000, 30000));
    lines.add(3, "{\"image\": \"missing.jpg\", \"caption\": \"gone\"}"); // line 4
    lines.add("{\"image\": \"empty.png\", \"caption\": \"zero bytes\"}");
    lines.add("{\"image\": \"half.jpg\", \"caption\": \"truncated\"}");
    lines.add("{\"image\": \"notes.png\", \"caption\": \"text\"}");
    lines.add("{\"image\": \"huge.png\", \"caption\": \"bomb\"}");
    lines.add("{\"image\": \"ok0.jpg\", \"caption\": \"\"}");
    lines.add("{\"image\": \"ok0.jpg\", \"caption\": \"unterminated");
    Files.write(dir.resolve("bad.jsonl"), lines);

    List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
    SkipReport skips = new SkipReport(warnings::add, 20);
    SampleList src = Manifest.read(dir.resolve("bad.jsonl"), skips);
    Loader loader = new Loader(src, new EvalTransform(PreprocessConfig.openai(32)), LoaderConfig.eval(4).withThreads(3), skips);
    List<Seen> batches = run(loader, Loader.Position.START);

    assertEquals(good, batches.stream().mapToInt(b -> b.ids().size()).sum(), "every good sample arrives");
    Map<SkipReport.Reason, Long> expected = Map.of(
        SkipReport.Reason.MISSING_FILE, 1L, SkipReport.Reason.EMPTY_FILE, 1L, SkipReport.Reason.TRUNCATED_IMAGE, 1L,
        SkipReport.Reason.NOT_AN_IMAGE, 1L, SkipReport.Reason.IMAGE_TOO_LARGE, 1L, SkipReport.Reason.EMPTY_CAPTION, 1L,
        SkipReport.Reason.MALFORMED_RECORD, 1L);
    assertEquals(expected, skips.counts());
    assertEquals("skipped 7 samples: 1 missing file, 1 empty file, 1 not an image, 1 truncated image, 1 image too large,"
        + " 1 empty caption, 1 malformed record", skips.summary());
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("skipped bad.jsonl:4: missing file (") && w.contains("missing.jpg")), warnings.toString());
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("skipped bad.jsonl:16: image too large (") && w.contains("30000x30000")), warnings.toString());
    assertEquals(7, warnings.size(), "one warning per skip: " + warnings);
  }

  @Test
  void orderIsFixedBySeedNotThreadsAndResumesExactly() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 19; i++) {
      Files.write(dir.resolve(i + ".png"), TestImages.encode(TestImages.gradient(30 + 3 * i, 24 + i), "png"));
      lines.add("{\"image\": \"" + i + ".png\", \"captions\": [\"a " + i + "\", \"b " + i + "\", \"c " + i + "\"]}");
    }
    Files.write(dir.resolve("m.jsonl"), lines);
    SampleList src = Manifest.read(dir.resolve("m.jsonl"), SkipReport.quiet());
    ImageTransform train = new TrainTransform(PreprocessConfig.openai(24));
    LoaderConfig cfg = new LoaderConfig(5, 1, 2, 99, true, true, false, 3);

    List<Seen> one = run(new Loader(src, train, cfg, SkipReport.quiet()), Loader.Position.START);
    List<Seen> four = run(new Loader(src, train, cfg.withThreads(4), SkipReport.quiet()), Loader.Position.START);
    assertEquals(12, one.size(), "3 epochs of 19 in batches of 5: 4 per epoch");
    for (int i = 0; i < one.size(); i++) assertSame(one.get(i), four.get(i), "batch " + i);
    assertTrue(!one.get(0).ids().equals(one.get(4).ids()), "each epoch has its own order");
    assertEquals(new Loader.Position(1, 0), one.get(3).next(), "the short last batch ends epoch 0");
    assertEquals(new Loader.Position(1, 10), one.get(5).next());

    List<Seen> resumed = run(new Loader(src, train, cfg.withThreads(2), SkipReport.quiet()), one.get(5).next());
    assertEquals(one.size() - 6, resumed.size());
    for (int i = 0; i < resumed.size(); i++) assertSame(one.get(6 + i), resumed.get(i), "resumed batch " + i);
  }

  @Test
  void streamingSourcesResumeToo() throws IOException {
    Map<String, byte[]> members = new java.util.LinkedHashMap<>();
    byte[] png = TestImages.encode(TestImages.gradient(20, 20), "png");
    for (int i = 0; i < 13; i++) {
      members.put(String.format("%03d.png", i), png);
      members.put(String.format("%03d.txt", i), ("caption " + i).getBytes());
    }
    WebDatasetSourceTest.writeTar(dir.resolve("s.tar"), members);
    DataSource src = WebDatasetSource.open(dir.resolve("s.tar").toString(), 8);
    LoaderConfig cfg = new LoaderConfig(4, 2, 2, 5, true, false, true, 2);
    ImageTransform eval = new EvalTransform(PreprocessConfig.openai(16));
    List<Seen> all = run(new Loader(src, eval, cfg, SkipReport.quiet()), Loader.Position.START);
    assertEquals(6, all.size(), "13 per epoch, last 1 dropped: 3 batches per epoch");
    List<Seen> resumed = run(new Loader(src, eval, cfg, SkipReport.quiet()), all.get(1).next());
    for (int i = 0; i < resumed.size(); i++) assertSame(all.get(2 + i), resumed.get(i), "resumed batch " + i);
  }

  @Test
  void tokenizerRunsPerCaptionAndCountsAreKept() throws IOException {
    Files.write(dir.resolve("a.png"), TestImages.encode(TestImages.gradient(10, 10), "png"));
    Files.write(dir.resolve("m.jsonl"), List.of("{\"image\": \"a.png\", \"caption\": \"abc\"}", "{\"image\": \"a.png\", \"caption\": \"hello\"}"));
    SampleList src = Manifest.read(dir.resolve("m.jsonl"), SkipReport.quiet());
    Loader loader = new Loader(src, new EvalTransform(PreprocessConfig.openai(8)), LoaderConfig.eval(8).withEpochs(2), SkipReport.quiet(),
        caption -> new long[] {caption.length()});
    try (Loader.Run run = loader.open(manager)) {
      Batch b = run.next();
      assertArrayEquals(new long[][] {{3}, {5}}, b.tokens());
      assertEquals(new ai.djl.ndarray.types.Shape(2, 3, 8, 8), b.images().getShape());
      run.next();
      assertEquals(4, run.samplesDelivered());
      assertEquals(new Loader.Position(2, 0), run.position());
      assertTrue(!run.hasNext());
    }
  }

  private static void assertSame(Seen a, Seen b, String what) {
    assertEquals(a.ids(), b.ids(), what + " ids");
    assertEquals(a.captions(), b.captions(), what + " captions");
    assertArrayEquals(a.pixels(), b.pixels(), what + " pixels");
    assertEquals(a.next(), b.next(), what + " position");
  }

  private static List<Seen> run(Loader loader, Loader.Position from) {
    List<Seen> out = new ArrayList<>();
    try (NDManager sub = manager.newSubManager(); Loader.Run run = loader.open(sub, from)) {
      while (run.hasNext()) {
        Batch b = run.next();
        out.add(new Seen(b.samples().stream().map(Sample::id).toList(), b.captions(), b.images().toFloatArray(), b.next()));
        b.images().close();
      }
    }
    return out;
  }
}
