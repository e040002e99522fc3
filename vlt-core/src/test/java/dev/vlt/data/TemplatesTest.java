package dev.vlt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplatesTest {
  @Test
  void everyBuiltInSetLoadsWithOneSlotPerTemplate() {
    for (String name : Templates.BUILT_IN) {
      List<String> t = Templates.load(name);
      assertTrue(t.size() >= 8, name + " has only " + t.size() + " templates");
      assertEquals(t.size(), t.stream().distinct().count(), name + " repeats a template");
      for (String filled : Templates.fill(t, "zebra")) {
        assertTrue(filled.contains("zebra") && !filled.contains("{}"), filled);
      }
    }
  }

  @Test
  void loadsAFileSkippingCommentsAndBlankLines(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mine.txt");
    Files.writeString(file, "# my set\n\na {} in the wild.\r\n  itap of a {}.  \n");
    assertEquals(List.of("a {} in the wild.", "itap of a {}."), Templates.load(file.toString()));
    assertEquals(List.of("a dog in the wild.", "itap of a dog."), Templates.fill(Templates.load(file.toString()), "dog"));
  }

  @Test
  void badTemplatesNameTheFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.txt");
    Files.writeString(file, "a {}.\n# fine\nno slot here\n");
    var e = assertThrows(IllegalArgumentException.class, () -> Templates.load(file.toString()));
    assertEquals(file + " line 3: a template needs exactly one {} for the class name, got \"no slot here\"",
        e.getMessage());
    var two = assertThrows(IllegalArgumentException.class, () -> Templates.parse("x.txt", "{} and {}"));
    assertTrue(two.getMessage().startsWith("x.txt line 1:"), two.getMessage());
    var empty = assertThrows(IllegalArgumentException.class, () -> Templates.parse("e.txt", "# only a comment\n"));
    assertEquals("e.txt has no templates (one per line, each with one {})", empty.getMessage());
    var missing = assertThrows(IllegalArgumentException.class, () -> Templates.load("nope"));
    assertEquals("templates 'nope': not a built-in set [emoji, photo, shapes] and no such file", missing.getMessage());
  }
}
