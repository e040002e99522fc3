package dev.vlt.data;

import dev.vlt.data.image.Raster8;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * UCI's 8×8 handwritten digits ({@code shared/data/digits-8x8/digits.csv.gz}): 64 values 0..16 and a label per row, as
 * 8×8 grayscale images scaled to 0..255 (the transform upsamples them). No official split: train is the first 1500 rows.
 */
public final class Digits {
  public static final int TRAIN_ROWS = 1500;
  private static final List<String> CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  private Digits() {}

  /** @param split "train" (rows 1..1500), "test" (the rest) or "all" */
  public static SampleList read(Path csvGz, String split) throws IOException {
    if (!List.of("train", "test", "all").contains(split)) throw new IllegalArgumentException("digits split must be train, test or all, got '" + split + "'");
    List<Sample> samples = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(csvGz)), StandardCharsets.US_ASCII))) {
      String line;
      for (int row = 1; (line = in.readLine()) != null; row++) {
        boolean train = row <= TRAIN_ROWS;
        if (split.equals("train") && !train || split.equals("test") && train) continue;
        String where = csvGz.getFileName() + ":" + row;
        String[] f = line.split(",");
        if (f.length != 65) throw new IllegalArgumentException(where + ": expected 65 values, got " + f.length);
        byte[] px = new byte[64];
        for (int i = 0; i < 64; i++) px[i] = (byte) ((Integer.parseInt(f[i].strip()) * 255 + 8) / 16);
        int label = Integer.parseInt(f[64].strip());
        samples.add(Sample.of("digit-" + row, ImageSource.of(new Raster8(8, 8, 1, px)), List.of(), label, where));
      }
    }
    return new SampleList("digits " + split, samples, CLASSES);
  }
}
