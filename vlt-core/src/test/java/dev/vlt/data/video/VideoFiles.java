package dev.vlt.data.video;

import dev.vlt.data.shapes.ShapesClip;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** Writes ShapesWorld clips as real video files for tests: an animated GIF (ImageIO) and an H.264 MP4 (JCodec). */
public final class VideoFiles {
  private VideoFiles() {}

  public static Path gif(ShapesClip clip, Path file) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (int f = 0; f < clip.frameCount(); f++) {
        BufferedImage frame = clip.frame(f);
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = new IIOMetadataNode("GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", "12");
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

  public static Path mp4(ShapesClip clip, Path file) throws IOException {
    try (SeekableByteChannel ch = NIOUtils.writableChannel(file.toFile())) {
      SequenceEncoder enc = new SequenceEncoder(ch, Rational.R(8, 1), Format.MOV, Codec.H264, null);
      int s = clip.imageSize();
      for (int f = 0; f < clip.frameCount(); f++) {
        Picture p = Picture.create(s, s, ColorSpace.RGB);
        byte[] data = p.getPlaneData(0);
        int[] px = clip.frames()[f];
        // JCodec's encoder converts RGB to full-range YUV but does not flag the stream as full range, so decoders (JCodec's,
        // FFmpeg's) read it as H.264's default video range 16..235: the levels are compressed here so that the file
        // decodes to the clip's colours. JCodec stores each byte as value − 128.
        for (int i = 0; i < px.length; i++) {
          data[i * 3] = level((px[i] >> 16) & 0xFF);
          data[i * 3 + 1] = level((px[i] >> 8) & 0xFF);
          data[i * 3 + 2] = level(px[i] & 0xFF);
        }
        enc.encodeNativeFrame(p);
      }
      enc.finish();
    }
    return file;
  }

  private static byte level(int v) {
    return (byte) (Math.round(16 + v * 219 / 255.0) - 128);
  }
}
