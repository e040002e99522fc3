package dev.vlt.data.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.image.BadImageException;
import dev.vlt.data.image.ImageDecoder;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.ShapesClip;
import dev.vlt.data.shapes.ShapesClipSource;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoDecoderTest {
  @TempDir Path dir;

  private static ShapesClip clip() {
    return new ShapesWorld(ShapesWorldConfig.defaults().withTextured(false)).clip(Split.TRAIN, 3);
  }

  /** Mean absolute difference per channel value between two rasters of one size. */
  private static double meanAbs(Raster8 a, Raster8 b) {
    assertEquals(a.width(), b.width());
    assertEquals(a.height(), b.height());
    double sum = 0;
    for (int i = 0; i < a.pixels().length; i++) sum += Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF));
    return sum / a.pixels().length;
  }

  @Test
  void gifFramesComeBackAsWritten() throws Exception {
    ShapesClip clip = clip();
    Video v = VideoDecoder.read(VideoWriter.gif(ShapesClipSource.video(clip, "clip").frames(), 8, dir.resolve("clip.gif")));
    Video truth = ShapesClipSource.video(clip, "truth");
    assertEquals(clip.frameCount(), v.length());
    for (int f = 0; f < v.length(); f++) {
      // flat colours fit the GIF palette: every frame within palette rounding of the rendered one
      assertTrue(meanAbs(v.frames().get(f), truth.frames().get(f)) < 3, "frame " + f);
    }
    assertTrue(meanAbs(v.frames().get(0), v.frames().get(v.length() - 1)) > 0.5, "the object moves between first and last frame");
  }

  @Test
  void mp4FramesComeBackAsWritten() throws Exception {
    ShapesClip clip = clip();
    Path file = VideoWriter.mp4(ShapesClipSource.video(clip, "clip").frames(), 8, dir.resolve("clip.mp4"));
    Video v = VideoDecoder.read(file);
    Video truth = ShapesClipSource.video(clip, "truth");
    assertEquals(clip.frameCount(), v.length());
    for (int f = 0; f < v.length(); f++) {
      // H.264 is lossy and JCodec's encoder is simple: close to the rendered frame, far closer than to another frame
      double own = meanAbs(v.frames().get(f), truth.frames().get(f));
      assertTrue(own < 12, "frame " + f + " differs by " + own);
    }
    double first = meanAbs(v.frames().get(0), truth.frames().get(0));
    double crossed = meanAbs(v.frames().get(0), truth.frames().get(v.length() - 1));
    assertTrue(first < crossed, "decoded frame 0 is nearer frame 0 (" + first + ") than the last frame (" + crossed + ")");
  }

  @Test
  void frameFolderReadsInNameOrder() throws Exception {
    ShapesClip clip = clip();
    Path folder = Files.createDirectory(dir.resolve("frames"));
    for (int f = 0; f < clip.frameCount(); f++) ImageIO.write(clip.frame(f), "png", folder.resolve(String.format("%03d.png", f)).toFile());
    Video v = VideoDecoder.read(folder);
    Video truth = ShapesClipSource.video(clip, "truth");
    assertEquals(clip.frameCount(), v.length());
    for (int f = 0; f < v.length(); f++) assertArrayEquals(truth.frames().get(f).pixels(), v.frames().get(f).pixels());
    assertEquals(ImageDecoder.decode(folder.resolve("000.png")).width(), v.frames().get(0).width());
  }

  @Test
  void corruptAndTruncatedVideosAreRefusedNamingTheFile() throws Exception {
    ShapesClip clip = clip();
    byte[] mp4 = Files.readAllBytes(VideoWriter.mp4(ShapesClipSource.video(clip, "clip").frames(), 8, dir.resolve("good.mp4")));
    Path truncated = Files.write(dir.resolve("truncated.mp4"), Arrays.copyOf(mp4, mp4.length / 3));
    Path garbage = Files.write(dir.resolve("garbage.mp4"), "this is not a video at all".getBytes());
    byte[] gif = Files.readAllBytes(VideoWriter.gif(ShapesClipSource.video(clip, "clip").frames(), 8, dir.resolve("good.gif")));
    Path cutGif = Files.write(dir.resolve("cut.gif"), Arrays.copyOf(gif, 40));
    Path empty = Files.write(dir.resolve("empty.gif"), new byte[0]);
    for (Path p : new Path[] {truncated, garbage, cutGif, empty}) {
      BadImageException e = assertThrows(BadImageException.class, () -> VideoDecoder.read(p), p.toString());
      assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
      assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
  }

  @Test
  void uniformSamplingTakesSegmentCentres() {
    assertArrayEquals(new int[] {1, 4, 7, 10}, Video.uniformIndices(12, 4));
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, Video.uniformIndices(8, 8));
    assertArrayEquals(new int[] {0, 0, 0}, Video.uniformIndices(1, 3), "a still image repeats");
    assertArrayEquals(new int[] {0, 0, 1, 1}, Video.uniformIndices(2, 4));
    SplittableRandom rng = new SplittableRandom(1);
    for (int trial = 0; trial < 50; trial++) {
      int[] r = Video.randomIndices(30, 8, rng);
      for (int i = 0; i < 8; i++) {
        assertTrue(r[i] >= Math.floor(i * 30.0 / 8) && r[i] < Math.floor((i + 1) * 30.0 / 8), "segment " + i + ": " + r[i]);
      }
    }
  }
}
