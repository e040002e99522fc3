package dev.vlt.data;

import dev.vlt.data.image.ImageDecoder;
import dev.vlt.data.image.Raster8;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a sample's pixels come from, decoded only when a loader worker asks: a file, bytes already in memory (zip and tar
 * entries), or a raster built in memory (IDX, generated scenes).
 */
@FunctionalInterface
public interface ImageSource {
  /**
   * @throws dev.vlt.data.image.BadImageException for bytes that are not a usable image
   * @throws java.nio.file.NoSuchFileException for a missing file
   */
  Raster8 load() throws IOException;

  static ImageSource of(Raster8 raster) {
    return () -> raster;
  }

  static ImageSource file(Path path) {
    return () -> ImageDecoder.decode(path);
  }

  /** @param name how errors name the bytes, e.g. {@code images.zip:1f600.png} */
  static ImageSource bytes(byte[] bytes, String name) {
    return () -> ImageDecoder.decode(bytes, name);
  }
}
