package dev.vlt.io;

import java.nio.file.Path;

/** A safetensors file that is malformed or unsafe to read; the message is one line naming the file and the problem. */
public final class SafeTensorsException extends java.io.IOException {
  public SafeTensorsException(Path file, String problem) {
    super(file + ": " + problem);
  }
}
