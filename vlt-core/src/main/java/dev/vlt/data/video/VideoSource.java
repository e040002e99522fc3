package dev.vlt.data.video;

import dev.vlt.data.ImageSource;
import dev.vlt.data.image.Raster8;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A sample's pixels when they are a video: {@link #video} decodes every frame; as an {@link ImageSource} it is its middle
 * frame, so image-only consumers (previews, image models) still see a picture of it.
 */
@FunctionalInterface
public interface VideoSource extends ImageSource {
  /**
   * @throws dev.vlt.data.image.BadImageException for bytes that are not a usable video
   * @throws java.nio.file.NoSuchFileException for a missing file
   */
  Video video() throws IOException;

  @Override
  default Raster8 load() throws IOException {
    Video v = video();
    return v.frames().get(v.length() / 2);
  }

  static VideoSource of(Video video) {
    return () -> video;
  }

  static VideoSource file(Path path) {
    return () -> VideoDecoder.read(path);
  }
}
