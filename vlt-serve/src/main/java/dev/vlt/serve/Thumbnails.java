package dev.vlt.serve;

import dev.vlt.data.image.PillowResize;
import dev.vlt.data.image.Raster8;
import dev.vlt.index.Hit;
import dev.vlt.index.ImageCollection;
import dev.vlt.index.IndexIds;
import dev.vlt.index.VectorIndex;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * PNG thumbnails of indexed images, by public id only: the id is looked up in the index, and the image is read through
 * the index's collection, which resolves only its own keys. No part of the request ever becomes a path.
 */
final class Thumbnails {
  private static final int CACHE_ENTRIES = 512;

  private final VectorIndex index;
  private final int size;
  private ImageCollection collection; // opened on first use: listing a large folder takes a moment
  private final Map<String, byte[]> cache = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
      return size() > CACHE_ENTRIES;
    }
  };

  Thumbnails(VectorIndex index, int size) {
    this.index = index;
    this.size = size;
  }

  byte[] png(String id) throws IOException {
    if (!IndexIds.isWellFormed(id)) throw new HttpError(400, "id must be 16 lowercase hex digits (an id from /api/search)");
    synchronized (cache) {
      byte[] hit = cache.get(id);
      if (hit != null) return hit;
    }
    Hit entry = index.byId(id).orElseThrow(() -> new HttpError(404, "no indexed image has id " + id));
    Raster8 image;
    try {
      image = collection().image(entry.key()).load();
    } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
      throw new HttpError(404, "image " + id + " is no longer in the collection");
    }
    byte[] png = encode(fit(image));
    synchronized (cache) {
      cache.put(id, png);
    }
    return png;
  }

  private synchronized ImageCollection collection() throws IOException {
    if (collection == null) collection = ImageCollection.open(index.info().source());
    return collection;
  }

  /** Scales down (never up) to fit {@code size}², keeping the aspect ratio and any alpha. */
  private Raster8 fit(Raster8 r) {
    boolean alpha = r.mode() == Raster8.Mode.RGBA || r.mode() == Raster8.Mode.PALETTE_RGBA;
    Raster8 src = alpha ? r : r.toRgb();
    double scale = Math.min(1.0, size / (double) Math.max(r.width(), r.height()));
    if (scale >= 1.0) return src;
    int w = Math.max(1, (int) Math.round(r.width() * scale));
    int h = Math.max(1, (int) Math.round(r.height() * scale));
    return PillowResize.resize(src, w, h, PillowResize.Filter.BICUBIC);
  }

  static byte[] encode(Raster8 r) throws IOException {
    int ch = r.channels();
    BufferedImage img = new BufferedImage(r.width(), r.height(), ch == 4 ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    byte[] p = r.pixels();
    for (int y = 0, i = 0; y < r.height(); y++) {
      for (int x = 0; x < r.width(); x++, i += ch) {
        int a = ch == 4 ? p[i + 3] & 0xff : 0xff;
        img.setRGB(x, y, a << 24 | (p[i] & 0xff) << 16 | (p[i + 1] & 0xff) << 8 | p[i + 2] & 0xff);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
