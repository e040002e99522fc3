package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vlt data preview} writes a readable PNG of the requested layout; bad flags exit 2 with one line. */
class DataPreviewCommandTest {
  @TempDir Path dir;

  @Test
  void writesASampleSheetAndAVideoSheet() throws Exception {
    Path png = dir.resolve("sub/preview.png");
    assertEquals(0, Vlt.execute("data", "preview", "--data", "shapes", "--out", png.toString(), "--n", "4", "--seed", "3"));
    BufferedImage sheet = ImageIO.read(png.toFile());
    // 4 samples: 2 columns of two 256-pixel panels
    assertTrue(sheet.getWidth() > 2 * 2 * 256 && sheet.getWidth() < 2 * 2 * 256 + 100, "width " + sheet.getWidth());

    Path video = dir.resolve("video.png");
    assertEquals(0, Vlt.execute("data", "preview", "--out", video.toString(), "--video", "--n", "2", "--frames", "10"));
    assertEquals(10 * (3 * 64 + 2) - 2 + 16, ImageIO.read(video.toFile()).getWidth());
  }

  @Test
  void badFlagsGiveOneLineAndExitTwo() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    try {
      Path png = dir.resolve("x.png");
      assertEquals(2, Vlt.execute("data", "preview", "--out", png.toString(), "--split", "training"));
      assertEquals(2, Vlt.execute("data", "preview", "--out", png.toString(), "--data", "coco"));
      assertFalse(Files.exists(png));
    } finally {
      System.setErr(err);
    }
    String text = captured.toString();
    assertTrue(text.contains("unknown split 'training'") && text.contains("--data coco"), text);
    assertFalse(text.contains("\tat "), "stack trace printed: " + text);
  }
}
