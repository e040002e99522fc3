package dev.vlt.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.image.Raster8;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental builds with a stand-in encoder (an image's mean colour as its vector), so the index logic is tested without
 * a model: unchanged images are not embedded again, changed ones are, vanished ones leave, a crash keeps what was
 * committed, and a different model starts over.
 */
class IndexBuilderTest {
  static final IndexBuilder.Model MODEL = new IndexBuilder.Model("test-model", "mean-colour", null, 4);

  /** Counts the images it is given; {@code failAtCall} (1-based) throws there, as a crash mid-build would. */
  static final class MeanColour implements IndexBuilder.ImageEncoder {
    final AtomicInteger images = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    int failAtCall = -1;

    @Override
    public float[][] encode(List<Raster8> batch) {
      if (calls.incrementAndGet() == failAtCall) throw new IllegalStateException("simulated crash");
      images.addAndGet(batch.size());
      float[][] out = new float[batch.size()][];
      for (int i = 0; i < batch.size(); i++) out[i] = meanColour(batch.get(i).toRgb());
      return out;
    }
  }

  static float[] meanColour(Raster8 rgb) {
    double[] s = new double[3];
    byte[] px = rgb.pixels();
    for (int i = 0; i < px.length; i++) s[i % 3] += px[i] & 0xff;
    int n = px.length / 3;
    return SyntheticVectors.normalize(new float[] {(float) (s[0] / n), (float) (s[1] / n), (float) (s[2] / n), 10f});
  }

  static Path png(Path dir, String name, Color c) throws IOException {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.setRGB(x, y, c.getRGB());
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    ImageIO.write(img, "png", p.toFile());
    return p;
  }

  static List<Path> colours(Path dir, int n) throws IOException {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(png(dir, (i < n / 2 ? "a/" : "b/") + "img" + i + ".png", new Color(Color.HSBtoRGB(i / (float) n, 0.9f, 0.9f))));
    return out;
  }

  static IndexBuilder.Report sync(Path images, Path index, IndexBuilder.ImageEncoder enc, IndexBuilder.Model model) throws IOException {
    try (VectorIndexWriter w = VectorIndexWriter.open(index, 16, 2)) {
      return new IndexBuilder(enc, model, 4, 4, 2).sync(ImageCollection.open(images.toString()), w, IndexBuilder.Listener.NONE);
    }
  }

  @Test
  void rerunsSkipUnchangedReembedChangedAndDropDeleted(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("images");
    Path index = tmp.resolve("index");
    List<Path> files = colours(images, 10);
    MeanColour enc = new MeanColour();
    IndexBuilder.Report first = sync(images, index, enc, MODEL);
    assertEquals(10, first.added());
    assertEquals(10, enc.images.get());
    assertTrue(first.commits() >= 3, "commits every 4 embedded images: " + first.commits());

    IndexBuilder.Report again = sync(images, index, enc, MODEL);
    assertEquals(10, again.unchanged());
    assertEquals(0, again.embedded());
    assertEquals(10, enc.images.get(), "nothing embedded on an unchanged rerun");

    png(images, "a/img0.png", Color.BLACK); // changed content and mtime
    Files.setLastModifiedTime(files.get(0), FileTime.fromMillis(Files.getLastModifiedTime(files.get(0)).toMillis() + 5000));
    Files.delete(files.get(9));
    png(images, "c/new.png", Color.WHITE);
    IndexBuilder.Report third = sync(images, index, enc, MODEL);
    assertEquals(List.of(1, 1, 1, 8), List.of(third.added(), third.updated(), third.removed(), third.unchanged()));
    assertEquals(12, enc.images.get());

    try (VectorIndex vi = VectorIndex.open(index)) {
      IndexInfo info = vi.info();
      assertEquals(10, info.count());
      assertEquals(4, info.dim());
      assertEquals("test-model", info.modelId());
      assertEquals(images.toAbsolutePath().normalize().toString(), info.source());
      List<Hit> black = vi.search(meanColour(rgb(0, 0, 0)), 1, true);
      assertEquals("a/img0.png", black.get(0).name());
      assertEquals("a", black.get(0).metadata().get("folder"));
      assertTrue(vi.byId(IndexIds.of(files.get(9).toString())).isEmpty(), "a deleted file leaves the index");
      assertEquals("c/new.png", vi.byId(IndexIds.of(images.resolve("c/new.png").toString())).orElseThrow().name());
    }
  }

  static Raster8 rgb(int r, int g, int b) {
    byte[] px = new byte[8 * 8 * 3];
    for (int i = 0; i < px.length; i += 3) {
      px[i] = (byte) r;
      px[i + 1] = (byte) g;
      px[i + 2] = (byte) b;
    }
    return new Raster8(8, 8, 3, px);
  }

  @Test
  void anInterruptedBuildKeepsItsCommitsAndResumes(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("images");
    Path index = tmp.resolve("index");
    colours(images, 14);
    MeanColour crashing = new MeanColour();
    crashing.failAtCall = 3; // batches of 4: two batches committed, the third dies
    assertThrows(IllegalStateException.class, () -> sync(images, index, crashing, MODEL));
    try (VectorIndex vi = VectorIndex.open(index)) {
      assertEquals(8, vi.info().count(), "the two committed batches survive");
    }
    MeanColour enc = new MeanColour();
    IndexBuilder.Report resumed = sync(images, index, enc, MODEL);
    assertEquals(8, resumed.unchanged());
    assertEquals(6, resumed.added());
    assertEquals(6, enc.images.get(), "only the images not yet committed are embedded");
  }

  @Test
  void aDifferentModelRebuildsEverything(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("images");
    Path index = tmp.resolve("index");
    colours(images, 5);
    sync(images, index, new MeanColour(), MODEL);
    MeanColour enc = new MeanColour();
    IndexBuilder.Report r = sync(images, index, enc, new IndexBuilder.Model("other-model", "other", null, 4));
    assertTrue(r.rebuilt());
    assertEquals(5, r.added());
    assertEquals(5, enc.images.get());
    try (VectorIndex vi = VectorIndex.open(index)) {
      assertEquals("other-model", vi.info().modelId());
      assertEquals(5, vi.info().count());
    }
  }

  @Test
  void unreadableImagesAreRecordedOnceNotRetried(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("images");
    Path index = tmp.resolve("index");
    colours(images, 3);
    Files.writeString(images.resolve("a/broken.png"), "not a png");
    MeanColour enc = new MeanColour();
    IndexBuilder.Report first = sync(images, index, enc, MODEL);
    assertEquals(1, first.unreadable());
    assertEquals(3, first.added());
    IndexBuilder.Report second = sync(images, index, enc, MODEL);
    assertEquals(0, second.unreadable());
    assertEquals(4, second.unchanged());
    try (VectorIndex vi = VectorIndex.open(index)) {
      assertEquals(3, vi.info().count());
      assertEquals(1, vi.info().unreadable());
    }
  }

  @Test
  void manifestSamplesCarryCaptionsAndAreStampedByPixels(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("images");
    png(images, "red.png", Color.RED);
    png(images, "blue.png", Color.BLUE);
    Path manifest = Files.writeString(images.resolve("m.jsonl"),
        "{\"image\": \"red.png\", \"caption\": \"a red square\"}\n{\"image\": \"blue.png\", \"caption\": \"a blue square\"}\n");
    Path index = tmp.resolve("index");
    MeanColour enc = new MeanColour();
    IndexBuilder.Report first = sync(manifest, index, enc, MODEL);
    assertEquals(2, first.added());
    IndexBuilder.Report again = sync(manifest, index, enc, MODEL);
    assertEquals(2, again.unchanged(), "same pixels, same stamp");
    png(images, "blue.png", Color.GREEN);
    IndexBuilder.Report changed = sync(manifest, index, enc, MODEL);
    assertEquals(1, changed.updated());
    try (VectorIndex vi = VectorIndex.open(index)) {
      Hit top = vi.search(meanColour(rgb(255, 0, 0)), 1, false).get(0);
      assertEquals("a red square", top.caption());
      assertFalse(top.key().startsWith("/"), "samples are keyed by id, not path: " + top.key());
    }
  }

  @Test
  void thumbnailsResolveOnlyCollectionKeys(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("images");
    Path inside = png(images, "x.png", Color.RED);
    Path outside = png(tmp, "secret.png", Color.RED);
    ImageCollection c = ImageCollection.open(images.toString());
    assertEquals(8, c.image(inside.toString()).load().width());
    for (String bad : List.of(outside.toString(), images + "/../secret.png", "/etc/passwd", "x.png")) {
      assertThrows(IllegalArgumentException.class, () -> c.image(bad), bad);
    }
  }

  @Test
  void aFolderWithoutImagesIsAOneLineError(@TempDir Path tmp) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageCollection.open(tmp.toString()));
    assertTrue(e.getMessage().contains("no image files"), e.getMessage());
  }
}
