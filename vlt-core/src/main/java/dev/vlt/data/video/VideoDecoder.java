package dev.vlt.data.video;

import dev.vlt.data.image.BadImageException;
import dev.vlt.data.image.BadImageException.Reason;
import dev.vlt.data.image.ImageDecoder;
import dev.vlt.data.image.Raster8;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.scale.ColorUtil;
import org.jcodec.scale.Transform;

/**
 * Reads a video into frames: an animated GIF (ImageIO, frames composited as the GIF's disposal methods say), an MP4 with
 * H.264 video (JCodec, pure Java: no native FFmpeg), or a folder of frame images in file-name order. A file that cannot
 * be read is a {@link BadImageException} naming it, which every command and loader already reports as a skip.
 */
public final class VideoDecoder {
  /** Frames decoded at most (a longer video is refused rather than filling the heap). */
  public static final int MAX_FRAMES = 4096;
  /** Pixels over all frames at most. */
  public static final long MAX_PIXELS = 400_000_000L;

  private static final List<String> MP4 = List.of(".mp4", ".m4v", ".mov");

  private VideoDecoder() {}

  /** Whether {@code path} names a video by its form: a .gif, .mp4, .m4v or .mov file, or a directory of frames. */
  public static boolean isVideo(Path path) {
    if (Files.isDirectory(path)) return true;
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".gif") || MP4.stream().anyMatch(name::endsWith);
  }

  /**
   * @throws BadImageException naming the file when it is empty, not a video of a known kind, truncated or corrupt
   * @throws NoSuchFileException when it does not exist
   */
  public static Video read(Path path) throws IOException {
    if (Files.isDirectory(path)) return readFolder(path);
    byte[] bytes = Files.readAllBytes(path);
    return read(bytes, path.toString());
  }

  /** Decodes bytes by their signature: GIF ("GIF8") or ISO media ("ftyp" at offset 4). */
  public static Video read(byte[] bytes, String source) {
    if (bytes.length == 0) throw new BadImageException(Reason.EMPTY, source, null);
    if (bytes.length >= 6 && bytes[0] == 'G' && bytes[1] == 'I' && bytes[2] == 'F' && bytes[3] == '8') {
      return readGif(bytes, source);
    }
    if (bytes.length >= 12 && bytes[4] == 'f' && bytes[5] == 't' && bytes[6] == 'y' && bytes[7] == 'p') {
      return readMp4(bytes, source);
    }
    throw new BadImageException(Reason.NOT_AN_IMAGE, source, "not a video: neither an animated GIF nor an MP4 (H.264)");
  }

  private static Video readFolder(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
    if (files.isEmpty()) throw new BadImageException(Reason.EMPTY, dir.toString(), "a frame folder without frames");
    if (files.size() > MAX_FRAMES) throw tooLong(dir.toString(), files.size());
    List<Raster8> frames = new ArrayList<>();
    for (Path f : files) frames.add(ImageDecoder.decode(f));
    Raster8 first = frames.get(0);
    for (int i = 1; i < frames.size(); i++) {
      Raster8 r = frames.get(i);
      if (r.width() != first.width() || r.height() != first.height()) {
        throw new BadImageException(Reason.CORRUPT, files.get(i).toString(), "frame is " + r.width() + "x" + r.height()
            + ", the folder's first frame " + first.width() + "x" + first.height());
      }
    }
    return new Video(dir.toString(), frames);
  }

  private static Video readGif(byte[] bytes, String source) {
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("gif");
      if (!readers.hasNext()) throw new IllegalStateException("no GIF reader in this JVM");
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, false, false);
        int[] screen = screenSize(reader.getStreamMetadata());
        int n = reader.getNumImages(true);
        if (n > MAX_FRAMES) throw tooLong(source, n);
        BufferedImage first = reader.read(0);
        int w = screen != null ? screen[0] : first.getWidth(), h = screen != null ? screen[1] : first.getHeight();
        checkPixels(source, w, h, n);
        BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        List<Raster8> frames = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          BufferedImage part = i == 0 ? first : reader.read(i);
          FramePlacement place = placement(reader.getImageMetadata(i));
          int[] before = place.disposal.equals("restoreToPrevious") ? canvas.getRGB(0, 0, w, h, null, 0, w) : null;
          java.awt.Graphics2D g = canvas.createGraphics();
          g.drawImage(part, place.x, place.y, null);
          g.dispose();
          frames.add(rgb(canvas));
          if (place.disposal.equals("restoreToBackgroundColor")) {
            java.awt.Graphics2D c = canvas.createGraphics();
            c.setComposite(java.awt.AlphaComposite.Clear);
            c.fillRect(place.x, place.y, part.getWidth(), part.getHeight());
            c.dispose();
          } else if (before != null) {
            canvas.setRGB(0, 0, w, h, before, 0, w);
          }
        }
        return new Video(source, frames);
      } finally {
        reader.dispose();
      }
    } catch (BadImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      boolean truncated = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("end of")
          || e instanceof java.io.EOFException || e instanceof IndexOutOfBoundsException;
      throw new BadImageException(truncated ? Reason.TRUNCATED : Reason.CORRUPT, source, "GIF: " + oneLine(e));
    }
  }

  private record FramePlacement(int x, int y, String disposal) {}

  private static FramePlacement placement(IIOMetadata meta) {
    IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree("javax_imageio_gif_image_1.0");
    int x = 0, y = 0;
    String disposal = "none";
    for (int i = 0; i < root.getLength(); i++) {
      IIOMetadataNode node = (IIOMetadataNode) root.item(i);
      if (node.getNodeName().equals("ImageDescriptor")) {
        x = Integer.parseInt(node.getAttribute("imageLeftPosition"));
        y = Integer.parseInt(node.getAttribute("imageTopPosition"));
      } else if (node.getNodeName().equals("GraphicControlExtension")) {
        disposal = node.getAttribute("disposalMethod");
      }
    }
    return new FramePlacement(x, y, disposal);
  }

  private static int[] screenSize(IIOMetadata stream) {
    if (stream == null) return null;
    IIOMetadataNode root = (IIOMetadataNode) stream.getAsTree("javax_imageio_gif_stream_1.0");
    for (int i = 0; i < root.getLength(); i++) {
      IIOMetadataNode node = (IIOMetadataNode) root.item(i);
      if (node.getNodeName().equals("LogicalScreenDescriptor")) {
        int w = Integer.parseInt(node.getAttribute("logicalScreenWidth"));
        int h = Integer.parseInt(node.getAttribute("logicalScreenHeight"));
        return w > 0 && h > 0 ? new int[] {w, h} : null;
      }
    }
    return null;
  }

  private static Video readMp4(byte[] bytes, String source) {
    try {
      FrameGrab grab = FrameGrab.createFrameGrab(new ByteBufferSeekableByteChannel(java.nio.ByteBuffer.wrap(bytes), bytes.length));
      int total = grab.getVideoTrack().getMeta().getTotalFrames();
      if (total > MAX_FRAMES) throw tooLong(source, total);
      List<Raster8> frames = new ArrayList<>();
      Transform toRgb = null;
      ColorSpace from = null;
      for (Picture p = grab.getNativeFrame(); p != null; p = grab.getNativeFrame()) {
        if (frames.size() >= MAX_FRAMES) throw tooLong(source, frames.size() + 1);
        if (toRgb == null || p.getColor() != from) {
          from = p.getColor();
          toRgb = ColorUtil.getTransform(from, ColorSpace.RGB);
          if (toRgb == null) throw new BadImageException(Reason.CORRUPT, source, "MP4: no conversion from " + from + " to RGB");
        }
        Picture rgb = Picture.create(p.getWidth(), p.getHeight(), ColorSpace.RGB);
        toRgb.transform(p, rgb);
        int w = p.getCroppedWidth(), h = p.getCroppedHeight();
        checkPixels(source, w, h, frames.size() + 1);
        frames.add(fromPicture(rgb, w, h));
      }
      if (frames.isEmpty()) throw new BadImageException(Reason.CORRUPT, source, "MP4: no decodable video frame");
      return new Video(source, frames);
    } catch (BadImageException e) {
      throw e;
    } catch (Exception | StackOverflowError e) {
      // JCodec reports damaged streams as any runtime exception (index errors, nulls); all mean the file is unusable
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e);
      boolean truncated = e instanceof java.nio.BufferUnderflowException || msg.toLowerCase(Locale.ROOT).contains("eof");
      throw new BadImageException(truncated ? Reason.TRUNCATED : Reason.CORRUPT, source, "MP4 (H.264): " + msg);
    }
  }

  /** JCodec's RGB pictures store each byte as value − 128, interleaved, with rows of the full (uncropped) width. */
  private static Raster8 fromPicture(Picture rgb, int w, int h) {
    byte[] src = rgb.getPlaneData(0);
    int stride = rgb.getWidth() * 3;
    byte[] px = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int i = 0; i < w * 3; i++) px[y * w * 3 + i] = (byte) (src[y * stride + i] + 128);
    }
    return new Raster8(w, h, Raster8.Mode.RGB, px);
  }

  private static Raster8 rgb(BufferedImage argb) {
    int w = argb.getWidth(), h = argb.getHeight();
    int[] p = argb.getRGB(0, 0, w, h, null, 0, w);
    byte[] px = new byte[w * h * 3];
    for (int i = 0; i < p.length; i++) {
      px[i * 3] = (byte) (p[i] >> 16);
      px[i * 3 + 1] = (byte) (p[i] >> 8);
      px[i * 3 + 2] = (byte) p[i];
    }
    return new Raster8(w, h, Raster8.Mode.RGB, px);
  }

  private static void checkPixels(String source, int w, int h, int frames) {
    if (w <= 0 || h <= 0) throw new BadImageException(Reason.CORRUPT, source, "frame size " + w + "x" + h);
    if ((long) w * h * frames > MAX_PIXELS) {
      throw new BadImageException(Reason.TOO_LARGE, source, frames + " frames of " + w + "x" + h + " exceed "
          + MAX_PIXELS + " pixels");
    }
  }

  private static BadImageException tooLong(String source, int frames) {
    return new BadImageException(Reason.TOO_LARGE, source, frames + " frames; at most " + MAX_FRAMES + " are read");
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ');
  }
}
