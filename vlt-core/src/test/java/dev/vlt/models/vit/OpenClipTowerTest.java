package dev.vlt.models.vit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import org.junit.jupiter.api.Test;

/** A CLIP image tower copied into a timm-layout ViT computes what the tower computes (up to timm's LayerNorm ε). */
class OpenClipTowerTest {
  @Test
  void theCopyComputesTheTowersTokens() {
    ClipConfig cfg = Models.config("tiny", ClipConfig.class);
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Clip clip = new Clip(cfg);
      clip.initialize(m, 3);
      // move every weight off its initial value (LayerNorms start at 1 and 0, so swapped norms would go unnoticed)
      int k = 0;
      for (Parameter p : clip.visual().namedParameters().values()) {
        p.set(p.value().add(m.randomNormal(0f, 0.2f, p.shape(), p.value().getDataType())));
        k++;
      }
      assertTrue(k > 10);
      Vit vit = new Vit(OpenClipTower.vitConfig(cfg.vision()));
      vit.initialize(m, 9);
      OpenClipTower.copy(clip.visual(), vit, m);
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      NDArray expected = clip.visual().forwardTokens(images, Trace.NONE);
      NDArray actual = vit.forwardFeatures(images, Trace.NONE);
      assertEquals(expected.getShape(), actual.getShape());
      float diff = expected.sub(actual).abs().max().getFloat();
      float scale = expected.abs().max().getFloat();
      assertTrue(diff < 1e-3f * scale, "max |diff| " + diff + " against max |x| " + scale);
      // the copy owns its weights: changing the tower afterwards leaves it alone
      Parameter w = clip.visual().namedParameters().get("conv1.weight");
      float before = vit.namedParameters().get("patch_embed.proj.weight").value().getFloat(0, 0, 0, 0);
      w.set(w.value().add(1f));
      assertEquals(before, vit.namedParameters().get("patch_embed.proj.weight").value().getFloat(0, 0, 0, 0));
    }
  }

  @Test
  void namesMapAndTheRestStaysBehind() {
    assertEquals("blocks.1.attn.qkv.weight", OpenClipTower.timmName("transformer.resblocks.1.attn.in_proj_weight"));
    assertEquals("blocks.0.mlp.fc2.bias", OpenClipTower.timmName("transformer.resblocks.0.mlp.c_proj.bias"));
    assertEquals("norm_pre.weight", OpenClipTower.timmName("ln_pre.weight"));
    assertNull(OpenClipTower.timmName("proj"));
    assertThrows(IllegalArgumentException.class, () -> OpenClipTower.timmName("transformer.resblocks.0.ls_1.gamma"));
  }

  @Test
  void aVitWithoutPreNormIsRefusedAndPreNormReadsBack() {
    ClipConfig cfg = Models.config("tiny", ClipConfig.class);
    try (NDManager m = NDManager.newBaseManager()) {
      Clip clip = new Clip(cfg);
      clip.initialize(m, 3);
      Vit plain = new Vit(OpenClipTower.vitConfig(cfg.vision()).withPreNorm(false));
      plain.initialize(m, 1);
      assertThrows(IllegalArgumentException.class, () -> OpenClipTower.copy(clip.visual(), plain, m));
    }
    VitConfig c = OpenClipTower.vitConfig(cfg.vision());
    ObjectNode o = new ObjectMapper().createObjectNode();
    c.write(o);
    assertEquals(c, VitConfig.read(new ConfigReader(o, "model_cfg")));
  }
}
