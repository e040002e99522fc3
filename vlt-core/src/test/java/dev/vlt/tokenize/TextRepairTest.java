package dev.vlt.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The cleaning steps against their Python references: html.unescape, ftfy's documented examples, whitespace. */
class TextRepairTest {
  /** [input, html.unescape(input)] pairs computed with CPython 3.11's html module. */
  static final String PYTHON_UNESCAPE = """
      [
      ["&amp;", "&"],
      ["&amp", "&"],
      ["&ampx", "&x"],
      ["&AMP;", "&"],
      ["&notin;", "\\u2209"],
      ["&notit;", "\\u00acit;"],
      ["&noti", "\\u00aci"],
      ["&#39;", "'"],
      ["&#x27", "'"],
      ["&#X41;", "A"],
      ["&#0;", "\\ufffd"],
      ["&#13;", "\\r"],
      ["&#128;", "\\u20ac"],
      ["&#129;", "\\u0081"],
      ["&#150;", "\\u2013"],
      ["&#xD800;", "\\ufffd"],
      ["&#1114112;", "\\ufffd"],
      ["&#99999999999999999999;", "\\ufffd"],
      ["&#1;", ""],
      ["&#xFFFF;", ""],
      ["&#65", "A"],
      ["&#;", "&#;"],
      ["&#x;", "&#x;"],
      ["&;", "&;"],
      ["& amp;", "& amp;"],
      ["&eacute", "\\u00e9"],
      ["&Eacute;", "\\u00c9"],
      ["&EACUTE;", "&EACUTE;"],
      ["&NotEqualTilde;", "\\u2242\\u0338"],
      ["&nbsp;x", "\\u00a0x"],
      ["a&b", "a&b"],
      ["&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;", "&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;"],
      ["&copy2024", "\\u00a92024"],
      ["&lt;&lt;", "<<"],
      ["&&amp;", "&&"],
      ["&#128512;", "\\ud83d\\ude00"],
      ["&hellip;&mdash;", "\\u2026\\u2014"]
      ]""";

  @Test
  void htmlUnescapeMatchesPython() throws IOException {
    JsonNode pairs = new ObjectMapper().readTree(PYTHON_UNESCAPE);
    assertEquals(37, pairs.size());
    for (JsonNode p : pairs) assertEquals(p.get(1).asText(), HtmlEntities.pythonUnescape(p.get(0).asText()), p.get(0).asText());
  }

  @Test
  void ftfyUnescapesOnlyTerminatedReferencesAndAllCapsNames() {
    assertEquals("é É & &amp", HtmlEntities.ftfyUnescape("&eacute; &EACUTE; &amp; &amp"));
    assertEquals("&#xZZ; &lt", HtmlEntities.ftfyUnescape("&#xZZ; &lt"));
    // ftfy repeats until stable, then Python unescapes twice more: four levels in all
    assertEquals("&", TextCleaner.clean("&amp;amp;amp;amp;", false));
    // text with markup keeps its references for the two Python passes only
    assertEquals("<b> &amp;", TextCleaner.clean("<b> &amp;amp;amp;", false));
  }

  @Test
  void mojibakeIsRepairedAndCorrectTextLeftAlone() {
    assertEquals("único", TextRepair.fix("Ãºnico"));
    assertEquals("This — should be an em dash", TextRepair.fix("This â€” should be an em dash"));
    assertEquals("été à Paris", TextRepair.fix("Ã©tÃ© Ã\u00A0 Paris"));
    assertEquals("café", TextRepair.fix("cafÃƒÂ©")); // encoded twice
    assertEquals("😀 smile", TextRepair.fix("ðŸ˜€ smile"));
    assertEquals("日本 café", TextRepair.fix("日本 cafÃ©")); // a mojibake run inside text that is not all Latin-1
    for (String fine : new String[] {"This text is fine already :þ", "not such a fan of Charlotte Brontë…\"", "Ørsted Æble",
        "MÜNCHEN\"", "naïve résumé", "Ñandú", "«guillemets»", "x² + y²", "½ cup", "ğüşöçı"}) {
      assertEquals(fine, TextRepair.fix(fine));
    }
  }

  @Test
  void characterFixesFollowFtfy() {
    assertEquals("\"It's\" 'fine'", TextRepair.fix("\u201CIt\u2019s\u201D \u2018fine\u2019"));
    assertEquals("ABC 42 x", TextRepair.fix("ＡＢＣ\u3000４２ x"));
    assertEquals("fi fl ffi dž æ", TextRepair.fix("ﬁ ﬂ ﬃ ǆ æ")); // æ is a letter, not a ligature, in ftfy's table
    assertEquals("a\nb\nc\nd", TextRepair.fix("a\r\nb\rc\u2028d"));
    assertEquals("ab", TextRepair.fix("a\u0000\u0008\u007F\uFEFF\u206Ab"));
    assertEquals("red text", TextRepair.fix("\u001B[31mred\u001B[0m text"));
    assertEquals("…\"", TextRepair.fix("\u0085\u0093")); // C1 controls read as Windows-1252, then the quote straightened
    assertEquals("é", TextRepair.fix("e\u0301")); // NFC
    assertEquals("\uFFFDx", TextRepair.fix("\uD800x"));
  }

  @Test
  void whitespaceIsPythonsStrSplit() {
    assertEquals("a b c d", TextCleaner.collapseWhitespace(" a\u00A0b\u3000\u2003c\u001Cd \u0085"));
    assertEquals("zero\u200Bwidth", TextCleaner.collapseWhitespace("zero\u200Bwidth")); // not whitespace in Python
    assertEquals("i̇stanbul σίσυφος", TextCleaner.clean("İstanbul ΣΊΣΥΦΟΣ", true)); // full lower-casing, final sigma
  }
}
