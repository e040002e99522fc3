package dev.vlt.models.loupe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.Models;
import org.junit.jupiter.api.Test;

/** The bundled config reads, writes back equal, and refuses what LOUPE cannot play. */
class LoupeConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void roundTripsThroughJson() {
    LoupeConfig c = (LoupeConfig) Models.config("loupe-shapes-small");
    assertEquals(LoupeConfig.ARCH, c.arch());
    assertEquals(16, c.regions());
    assertEquals(8, c.contexts());
    assertEquals(c, LoupeConfig.fromJson(c.toJson(JSON)));
    ObjectNode off = c.toJson(JSON);
    ((ObjectNode) off.get(LoupeConfig.KEY)).put("region_head", false).put("contexts", 3);
    LoupeConfig ablation = LoupeConfig.fromJson(off);
    assertEquals(false, ablation.regionHead());
    assertEquals(3, ablation.contexts());
    assertEquals(ablation, LoupeConfig.fromJson(ablation.toJson(JSON)));
  }

  @Test
  void refusesAClassTokenPoolAnUnknownKeyAndTooManyPlayers() {
    ObjectNode tok = Models.config("loupe-shapes-small").toJson(JSON);
    ((ObjectNode) tok.get("vision_cfg")).put("pool_type", "tok");
    var e = assertThrows(IllegalArgumentException.class, () -> LoupeConfig.fromJson(tok));
    assertTrue(e.getMessage().contains("pool_type"), e.getMessage());
    ObjectNode unknown = Models.config("loupe-shapes-small").toJson(JSON);
    ((ObjectNode) unknown.get(LoupeConfig.KEY)).put("budget", 3);
    e = assertThrows(IllegalArgumentException.class, () -> LoupeConfig.fromJson(unknown));
    assertTrue(e.getMessage().contains("budget"), e.getMessage());
    ObjectNode big = Models.config("loupe-shapes-small").toJson(JSON);
    ((ObjectNode) big.get("vision_cfg")).put("patch_size", 4);                   // 16×16 = 256 patches
    e = assertThrows(IllegalArgumentException.class, () -> LoupeConfig.fromJson(big));
    assertTrue(e.getMessage().contains("64"), e.getMessage());
  }
}
