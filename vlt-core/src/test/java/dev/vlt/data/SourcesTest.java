package dev.vlt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.image.Raster8;
import dev.vlt.data.image.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {
  @TempDir Path dir;

  @Test
  void jsonlManifestResolvesPathsAndCountsBadLines() throws IOException {
    Files.createDirectories(dir.resolve("img"));
    Files.write(dir.resolve("img/a.png"), TestImages.encode(TestImages.gradient(20, 10), "png"));
    String lines = String.join("\n",
        "{\"image\": \"img/a.png\", \"caption\": \"a gradient\", \"label\": \"warm\"}",
        "{\"image\": \"img/a.png\", \"captions\": [\"one\", \" \", \"two\"], \"label\": \"cold\", \"boxes\": [[1, 2, 5, 6], {\"box\": [0, 0, 3, 3], \"label\": \"dot\"}]}",
        "",
        "{\"image\": \"img/a.png\", \"caption\": \"   \"}",
        "{\"caption\": \"no image\"}",
        "{\"image\": \"img/a.png\", \"caption\": \"ok\", \"boxes\": [[5, 5, 1, 1]]}",
        "this is not json",
        "{\"image\": \"img/a.png\"}");
    Files.writeString(dir.resolve("m.jsonl"), lines);
    List<String> warnings = new ArrayList<>();
    SkipReport skips = new SkipReport(warnings::add, 20);
    SampleList m = Manifest.read(dir.resolve("m.jsonl"), skips);
    assertEquals(2, m.count());
    assertEquals(List.of("cold", "warm"), m.classNames());
    assertEquals(1, m.get(0).label());
    assertEquals(List.of("one", "two"), m.get(1).captions());
    assertEquals(new Box(0, 0, 3, 3, "dot"), m.get(1).boxes().get(1));
    assertEquals(20, m.get(0).image().load().width(), "image path resolved against the manifest's folder");
    assertEquals(1, skips.count(SkipReport.Reason.EMPTY_CAPTION));
    assertEquals(4, skips.count(SkipReport.Reason.MALFORMED_RECORD));
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("skipped m.jsonl:7: malformed record (not JSON")), warnings.toString());
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("skipped m.jsonl:4: empty caption")), warnings.toString());
  }

  @Test
  void csvAndTsvManifestsWithQuotingAndOpenClipColumnNames() throws IOException {
    Files.writeString(dir.resolve("m.csv"), "filepath,title,label\n"
        + "x.jpg,\"a cat, sitting \"\"politely\"\"\",3\n"
        + "y.jpg,two,\n"
        + "z.jpg,too,many,fields\n");
    SkipReport skips = SkipReport.quiet();
    SampleList csv = Manifest.read(dir.resolve("m.csv"), skips);
    assertEquals(2, csv.count());
    assertEquals(List.of("a cat, sitting \"politely\""), csv.get(0).captions());
    assertEquals(3, csv.get(0).label());
    assertEquals(Sample.NO_LABEL, csv.get(1).label());
    assertEquals(1, skips.count(SkipReport.Reason.MALFORMED_RECORD));

    Files.writeString(dir.resolve("m.tsv"), "image\tcaption\nx.jpg\ta, b\n");
    assertEquals(List.of("a, b"), Manifest.read(dir.resolve("m.tsv"), skips).get(0).captions());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Manifest.read(dir.resolve("m.txt"), skips));
    assertTrue(e.getMessage().contains("m.txt"), e.getMessage());
  }

  @Test
  void imageFolderSortsClassesAndFiles() throws IOException {
    byte[] png = TestImages.encode(TestImages.gradient(4, 4), "png");
    for (String f : new String[] {"dog/b.png", "dog/a.png", "cat/deep/c.PNG", "cat/readme.txt"}) {
      Files.createDirectories(dir.resolve(f).getParent());
      Files.write(dir.resolve(f), png);
    }
    SampleList folder = ImageFolder.read(dir);
    assertEquals(List.of("cat", "dog"), folder.classNames());
    assertEquals(3, folder.count());
    assertEquals(0, folder.get(0).label());
    assertTrue(folder.get(1).id().endsWith("a.png") && folder.get(1).label() == 1);
  }

  @Test
  void bundledSets() throws IOException {
    Path emoji = dev.vlt.Fixtures.data("emoji-google-64");
    SampleList train = EmojiSet.read(emoji, "train", false);
    SampleList test = EmojiSet.read(emoji, "test", false);
    assertEquals(9, train.classNames().size());
    assertEquals(1906, train.count() + test.count(), "1911 emoji minus 5 Component");
    assertEquals(1911, EmojiSet.read(emoji, "all", true).count());
    Raster8 img = train.get(0).image().load();
    assertEquals(Raster8.Mode.RGBA, img.mode());
    assertEquals(64, img.width());

    // described captions: the same emoji and labels, each captioned once per emoji template with its category and name
    SampleList described = (SampleList) DataSources.open("emoji:train:described", SkipReport.quiet());
    assertEquals(train.count(), described.count());
    List<String> templates = Templates.load("emoji");
    for (int i : new int[] {0, 700, train.count() - 1}) {
      Sample plain = train.get(i), rich = described.get(i);
      assertEquals(plain.id(), rich.id());
      assertEquals(plain.label(), rich.label());
      String name = plain.captions().get(0);
      String category = train.classNames().get(plain.label()).toLowerCase(java.util.Locale.ROOT);
      assertEquals(templates.size(), rich.captions().size());
      assertEquals(rich.captions().size(), rich.captions().stream().distinct().count(), "one caption per template");
      for (String c : rich.captions()) assertTrue(c.contains(category) && c.endsWith(": " + name), c);
    }
    assertEquals("an emoji of food & drink: red apple", EmojiSet.described(templates, "Food & Drink", "red apple").get(0));
    assertEquals(1, ((SampleList) DataSources.open("emoji:test:name", SkipReport.quiet())).get(0).captions().size());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> DataSources.open("emoji:train:keywords", SkipReport.quiet()));
    assertTrue(bad.getMessage().contains("name or described"), bad.getMessage());

    SampleList photos = SkimagePhotos.read(dev.vlt.Fixtures.data("photos-skimage"));
    assertEquals(15, photos.count());
    Sample chelsea = photos.samples().stream().filter(s -> s.id().equals("chelsea.png")).findFirst().orElseThrow();
    assertEquals("cat", photos.classNames().get(chelsea.label()));

    Path digitsFile = dev.vlt.Fixtures.data("digits-8x8", "digits.csv.gz");
    SampleList digits = Digits.read(digitsFile, "all");
    assertEquals(1797, digits.count());
    assertEquals(1500, Digits.read(digitsFile, "train").count());
    assertEquals(0, digits.get(0).label());
    Raster8 d = digits.get(0).image().load();
    int max = 0;
    for (byte b : d.pixels()) max = Math.max(max, b & 0xFF);
    assertEquals(8, d.width());
    assertTrue(max > 200 && max <= 255, "values 0..16 scaled to 0..255, max " + max);
  }

  @Test
  void fashionMnistWhenInstalled() throws IOException {
    Path installed = dev.vlt.Fixtures.requireOptional(FashionMnist.find().orElse(FashionMnist.DEBIAN_DIR));
    SampleList test = FashionMnist.read(installed, "test");
    assertEquals(10000, test.count());
    int[] perClass = new int[10];
    for (Sample s : test.samples()) perClass[s.label()]++;
    for (int c = 0; c < 10; c++) assertEquals(1000, perClass[c], FashionMnist.CLASSES.get(c));
    assertEquals(28, test.get(0).image().load().height());
  }

  @Test
  void dataSpecsOpenTheRightSource() throws IOException {
    Files.writeString(dir.resolve("m.jsonl"), "{\"image\": \"a.png\", \"caption\": \"x\"}\n");
    assertTrue(DataSources.open(dir.resolve("m.jsonl").toString(), SkipReport.quiet()).describe().startsWith("manifest"));
    assertTrue(DataSources.open(dir + "/{000..003}.tar", SkipReport.quiet()) instanceof WebDatasetSource);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSources.open("no-such-set", SkipReport.quiet()));
    assertTrue(e.getMessage().startsWith("--data no-such-set:"), e.getMessage());
  }

  static void writeText(Path p, String s) throws IOException {
    Files.write(p, s.getBytes(StandardCharsets.UTF_8));
  }
}
