package dev.vlt.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompt template sets: text files with one template per line, each containing exactly one {@code {}} where the class
 * name goes. Blank lines and lines starting with {@code #} are ignored. Built-in sets ship as resources under
 * {@code dev/vlt/eval/templates/NAME.txt}.
 */
public final class Templates {
  /** The built-in set names, loadable with {@link #load(String)}. */
  public static final List<String> BUILT_IN = List.of("emoji", "photo", "shapes");

  private static final String SLOT = "{}";

  private Templates() {}

  /** Loads a built-in set by name ({@link #BUILT_IN}) or else a template file by path. */
  public static List<String> load(String nameOrPath) {
    if (BUILT_IN.contains(nameOrPath)) {
      String resource = "templates/" + nameOrPath + ".txt";
      try (InputStream in = Templates.class.getResourceAsStream(resource)) {
        if (in == null) throw new IllegalStateException("built-in template set missing from the jar: " + resource);
        return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read built-in template set " + resource, e);
      }
    }
    Path path = Path.of(nameOrPath);
    check(Files.isRegularFile(path), "templates '%s': not a built-in set %s and no such file", nameOrPath, BUILT_IN);
    try {
      return parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read template file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Parses template text; {@code source} names the file in error messages. */
  public static List<String> parse(String source, String text) {
    List<String> templates = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      int first = line.indexOf(SLOT);
      check(first >= 0 && line.indexOf(SLOT, first + 1) < 0,
          "%s line %s: a template needs exactly one {} for the class name, got \"%s\"", source, i + 1, line);
      templates.add(line);
    }
    check(!templates.isEmpty(), "%s has no templates (one per line, each with one {})", source);
    return List.copyOf(templates);
  }

  /** Every template with {@code className} put in its slot, in template order. */
  public static List<String> fill(List<String> templates, String className) {
    return templates.stream().map(t -> t.replace(SLOT, className)).toList();
  }

  private static void check(boolean ok, String format, Object... args) {
    if (!ok) throw new IllegalArgumentException(String.format(format, args));
  }
}
