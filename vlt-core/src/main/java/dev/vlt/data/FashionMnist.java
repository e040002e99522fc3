package dev.vlt.data;

import dev.vlt.data.image.Raster8;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from the Debian package {@code dataset-fashion-mnist}: gzip'd IDX files, 28×28 grayscale, 10 classes.
 * Not bundled; {@link #find()} says whether it is installed.
 */
public final class FashionMnist {
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  public static final List<String> CLASSES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  private FashionMnist() {}

  /** The installed folder, if the package (or a copy named by {@code VLT_FASHION_MNIST}) is present. */
  public static Optional<Path> find() {
    String env = System.getenv("VLT_FASHION_MNIST");
    Path dir = env != null ? Path.of(env) : DEBIAN_DIR;
    return Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz")) ? Optional.of(dir) : Optional.empty();
  }

  /** @param split "train" (60000) or "test" (the t10k files, 10000) */
  public static SampleList read(Path dir, String split) throws IOException {
    String prefix = switch (split) {
      case "train" -> "train";
      case "test" -> "t10k";
      default -> throw new IllegalArgumentException("fashion-mnist split must be train or test, got '" + split + "'");
    };
    Path imageFile = dir.resolve(prefix + "-images-idx3-ubyte.gz");
    Path labelFile = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
    byte[] labels;
    try (DataInputStream in = idx(labelFile, 0x801)) {
      labels = new byte[in.readInt()];
      in.readFully(labels);
    }
    List<Sample> samples = new ArrayList<>(labels.length);
    try (DataInputStream in = idx(imageFile, 0x803)) {
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (n != labels.length) throw new IllegalArgumentException(imageFile + ": " + n + " images but " + labels.length + " labels");
      for (int i = 0; i < n; i++) {
        byte[] px = new byte[rows * cols];
        in.readFully(px);
        String where = imageFile.getFileName() + "#" + i;
        samples.add(Sample.of(prefix + "-" + i, ImageSource.of(new Raster8(cols, rows, 1, px)), List.of(), labels[i], where));
      }
    }
    return new SampleList("fashion-mnist " + split, samples, CLASSES);
  }

  private static DataInputStream idx(Path file, int magic) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(Files.newInputStream(file)), 1 << 16));
    int m = in.readInt();
    if (m != magic) {
      in.close();
      throw new IllegalArgumentException(file + ": IDX magic 0x" + Integer.toHexString(m) + ", expected 0x" + Integer.toHexString(magic));
    }
    return in;
  }
}
