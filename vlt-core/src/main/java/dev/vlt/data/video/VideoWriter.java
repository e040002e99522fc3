package dev.vlt.data.video;

import dev.vlt.data.image.Raster8;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.Codec;
import org.jcodec.common.Format;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;

/**
 * Writes frames as video files: an animated GIF (ImageIO; colours beyond its 256-entry palette are approximated) and an
 * H.264 MP4 (JCodec, pure Java). Tests write ShapesWorld clips with it; reports could show clips with it.
 */
public final class VideoWriter {
  private VideoWriter() {}

  /** RGB frames of one size → an animated GIF looping at {@code fps} (GIF delays are in hundredths of a second). */
  public static Path gif(List<Raster8> frames, int fps, Path file) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (Raster8 r : frames) {
        BufferedImage frame = image(r);
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = new IIOMetadataNode("GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", String.valueOf(Math.max(1, Math.round(100f / fps))));
        gce.setAttribute("transparentColorIndex", "0");
        root.appendChild(gce);
        meta.setFromTree(format, root);
        writer.writeToSequence(new IIOImage(frame, null, meta), param);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return file;
  }

  /** RGB frames of one even size → an H.264 MP4 at {@code fps}. */
  public static Path mp4(List<Raster8> frames, int fps, Path file) throws IOException {
    try (SeekableByteChannel ch = NIOUtils.writableChannel(file.toFile())) {
      SequenceEncoder enc = new SequenceEncoder(ch, Rational.R(fps, 1), Format.MOV, Codec.H264, null);
      for (Raster8 r : frames) {
        Raster8 rgb = rgb(r);
        Picture p = Picture.create(rgb.width(), rgb.height(), ColorSpace.RGB);
        byte[] data = p.getPlaneData(0);
        byte[] px = rgb.pixels();
        // JCodec's encoder converts RGB to full-range YUV but does not flag the stream as full range, so decoders (JCodec's,
        // FFmpeg's) read it as H.264's default video range 16..235: the levels are compressed here so that the file
        // decodes to the clip's colours. JCodec stores each byte as value − 128.
        for (int i = 0; i < px.length; i++) data[i] = level(px[i] & 0xFF);
        enc.encodeNativeFrame(p);
      }
      enc.finish();
    }
    return file;
  }

  private static Raster8 rgb(Raster8 r) {
    if (r.mode() != Raster8.Mode.RGB && r.mode() != Raster8.Mode.PALETTE_RGB) {
      throw new IllegalArgumentException("video frames must be RGB, got " + r.mode());
    }
    return r;
  }

  private static BufferedImage image(Raster8 r) {
    byte[] px = rgb(r).pixels();
    BufferedImage img = new BufferedImage(r.width(), r.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < r.height(); y++) {
      for (int x = 0; x < r.width(); x++) {
        int i = (y * r.width() + x) * 3;
        img.setRGB(x, y, (px[i] & 0xFF) << 16 | (px[i + 1] & 0xFF) << 8 | (px[i + 2] & 0xFF));
      }
    }
    return img;
  }

  private static byte level(int v) {
    return (byte) (Math.round(16 + v * 219 / 255.0) - 128);
  }
}
