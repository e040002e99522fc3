package dev.vlt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vlt.data.image.TestImages;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebDatasetSourceTest {
  @TempDir Path dir;

  @Test
  void bracePatterns() {
    assertEquals(List.of("s/000008.tar", "s/000009.tar", "s/000010.tar"), ShardPattern.expand("s/{000008..000010}.tar"));
    assertEquals(List.of("a-1.tar", "a-2.tar", "b-1.tar", "b-2.tar"), ShardPattern.expand("{a,b}-{1..2}.tar"));
    assertEquals(List.of("plain.tar"), ShardPattern.expand("plain.tar"));
    assertThrows(IllegalArgumentException.class, () -> ShardPattern.expand("s/{3..1}.tar"));
    assertThrows(IllegalArgumentException.class, () -> ShardPattern.expand("s/{000..009.tar"));
  }

  @Test
  void groupsMembersByKeyAndSkipsBadGroups() throws IOException {
    byte[] jpg = TestImages.encode(TestImages.gradient(16, 12), "jpeg");
    byte[] png = TestImages.encode(TestImages.gradient(8, 8), "png");
    Map<String, byte[]> s0 = new LinkedHashMap<>();
    s0.put("train/0001.jpg", jpg);
    s0.put("train/0001.txt", utf8("a red gradient"));
    s0.put("train/0002.png", png);
    s0.put("train/0002.json", utf8("{\"captions\": [\"first\", \"second\"], \"label\": 4}"));
    s0.put("train/0003.jpg", jpg);
    s0.put("train/0003.cls", utf8("7"));
    writeTar(dir.resolve("shard-000000.tar"), s0);
    Map<String, byte[]> s1 = new LinkedHashMap<>();
    s1.put("0004.txt", utf8("caption without an image"));
    s1.put("0005.jpg", jpg);
    s1.put("0005.txt", utf8("  "));
    s1.put("0006.jpg", jpg);
    s1.put("0006.json", utf8("{broken"));
    s1.put("0007.seg.png", png); // key "0007", extension "seg.png": not the image member
    s1.put("0007.jpg", jpg);
    s1.put("0007.txt", utf8("last"));
    writeTar(dir.resolve("shard-000001.tar"), s1);
    // shard-000002 is missing

    SkipReport skips = SkipReport.quiet();
    WebDatasetSource src = WebDatasetSource.open(dir + "/shard-{000000..000002}.tar", 1);
    List<Sample> samples = drain(src.stream(0, skips));
    assertEquals(List.of("train/0001", "train/0002", "train/0003", "0007"), samples.stream().map(Sample::id).toList());
    assertEquals(List.of("a red gradient"), samples.get(0).captions());
    assertEquals(List.of("first", "second"), samples.get(1).captions());
    assertEquals(4, samples.get(1).label());
    assertEquals(7, samples.get(2).label());
    assertEquals(12, samples.get(0).image().load().height());
    assertEquals("shard-000000.tar:train/0001", samples.get(0).location());
    assertEquals(2, skips.count(SkipReport.Reason.MALFORMED_RECORD), "no image; broken json");
    assertEquals(1, skips.count(SkipReport.Reason.EMPTY_CAPTION));
    assertEquals(1, skips.count(SkipReport.Reason.MISSING_FILE));
  }

  @Test
  void seededShuffleBufferIsAReproduciblePermutation() throws IOException {
    byte[] png = TestImages.encode(TestImages.gradient(4, 4), "png");
    for (int s = 0; s < 3; s++) {
      Map<String, byte[]> m = new LinkedHashMap<>();
      for (int i = 0; i < 20; i++) {
        m.put(String.format("%d-%02d.png", s, i), png);
        m.put(String.format("%d-%02d.txt", s, i), utf8("sample " + s + "/" + i));
      }
      writeTar(dir.resolve("s" + s + ".tar"), m);
    }
    WebDatasetSource src = WebDatasetSource.open(dir + "/s{0..2}.tar", 16);
    List<String> a = drain(src.stream(42, SkipReport.quiet())).stream().map(Sample::id).toList();
    List<String> b = drain(src.stream(42, SkipReport.quiet())).stream().map(Sample::id).toList();
    List<String> c = drain(src.stream(43, SkipReport.quiet())).stream().map(Sample::id).toList();
    assertEquals(a, b);
    assertNotEquals(a, c);
    assertEquals(60, a.size());
    assertEquals(a.stream().sorted().toList(), c.stream().sorted().toList());
    assertNotEquals(a.stream().sorted().toList(), a, "shuffled");
  }

  private static List<Sample> drain(Iterator<Sample> it) {
    List<Sample> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static void writeTar(Path file, Map<String, byte[]> members) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : members.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    }
  }
}
