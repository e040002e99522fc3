package dev.vlt.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process: tensors live in native memory, so the JVM heap alone would not show a leak. */
final class Memory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private Memory() {}

  /** Resident set size in MB (Linux), else the JVM's used heap. */
  static double residentMb() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through to the heap
    }
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
  }
}
