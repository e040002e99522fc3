package dev.vlt.models.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.Parity;
import dev.vlt.models.Models;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.nn.GradCheck;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** METER's three fusion kinds over ViT and BERT (or CLIP's text tower): shapes, gradients, masks, keys and configs. */
class MeterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final MeterConfig TINY = Models.config("meter-tiny", MeterConfig.class);

  static MeterConfig tiny(Fusion.Kind kind) {
    return TINY.withFusion(kind);
  }

  /** Two pairs: a 5-token text, and a 3-token one padded to 5. */
  static NDArray ids(NDManager m) {
    return m.create(new long[] {1, 7, 8, 9, 2, 1, 10, 2, 0, 0}, new Shape(2, 5));
  }

  static NDArray atts(NDArray ids) {
    return ids.neq(0).toType(DataType.INT64, false);
  }

  @Test
  void everyFusionKindGivesTheHeadsTheirShapesAndEveryParameterLearns() {
    for (Fusion.Kind kind : Fusion.Kind.values()) {
      try (NDManager m = NDManager.newBaseManager()) {
        Meter meter = tiny(kind).create();
        meter.initialize(m, 3);
        NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
        NDArray ids = ids(m);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          MeterOutput out = meter.forward(images, ids, atts(ids));
          assertEquals(new Shape(2, 5, 32), out.text().getShape(), kind.word());
          assertEquals(new Shape(2, 17, 32), out.image().getShape(), kind.word());
          assertEquals(new Shape(2, 64), out.cls().getShape(), kind.word());
          NDArray itm = meter.itmLogits(out.cls());
          NDArray vqa = meter.vqaLogits(out.cls());
          NDArray mlm = meter.mlmLogits(out.text());
          assertEquals(new Shape(2, 2), itm.getShape());
          assertEquals(new Shape(2, TINY.answers().size()), vqa.getShape());
          assertEquals(new Shape(2, 5, 1024), mlm.getShape());
          NDArray loss = Ops.crossEntropy(itm, m.create(new long[] {1, 0}))
              .add(Ops.crossEntropy(vqa, m.create(new long[] {3, 9})))
              .add(Ops.crossEntropy(mlm.reshape(10, 1024), m.create(new long[] {1, 7, 8, 9, 2, 1, 10, 2, 0, 0})));
          gc.backward(loss);
        }
        int n = GradCheck.assertEveryParameterLearns(meter);
        assertTrue(n > 40, kind.word() + ": " + n);
      }
    }
  }

  /** Finite differences in float64 on a few entries of every parameter, the pooled pair through both heads. */
  @Test
  void gradientsMatchFiniteDifferencesForEveryFusionKind() {
    for (Fusion.Kind kind : Fusion.Kind.values()) {
      try (NDManager m = NDManager.newBaseManager()) {
        Meter meter = tiny(kind).create();
        meter.initialize(m, 5);
        meter.castTo(DataType.FLOAT64);
        GradCheck.perturbZeros(m, meter);
        NDArray images = m.randomNormal(new Shape(2, 3, 32, 32)).toType(DataType.FLOAT64, false);
        NDArray ids = ids(m);
        NDArray r = m.randomNormal(new Shape(2, TINY.answers().size() + 2)).toType(DataType.FLOAT64, false);
        NDArray rText = m.randomNormal(new Shape(2, 5, 32)).toType(DataType.FLOAT64, false);
        int checked = GradCheck.check(meter, () -> {
          MeterOutput out = meter.forward(images, ids, atts(ids));
          NDArray heads = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(meter.itmLogits(out.cls()),
              meter.vqaLogits(out.cls())), 1);
          return heads.mul(r).sum().add(meter.mlmLogits(out.text()).sum(new int[] {-1}, true).mul(rText).sum());
        }, 2);
        assertTrue(checked > 80, kind.word() + ": " + checked);
      }
    }
  }

  /** Padding is invisible: changing the ids at padded positions changes no real token's output, in every kind. */
  @Test
  void paddedPositionsDoNotReachRealTokens() {
    for (Fusion.Kind kind : Fusion.Kind.values()) {
      try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
        Meter meter = tiny(kind).create();
        meter.initialize(m, 7);
        NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
        NDArray ids = ids(m);
        NDArray other = m.create(new long[] {1, 7, 8, 9, 2, 1, 10, 2, 33, 44}, new Shape(2, 5));
        MeterOutput a = meter.forward(images, ids, atts(ids));
        MeterOutput b = meter.forward(images, other, atts(ids));
        assertTrue(Parity.maxAbsDiff(a.cls(), b.cls()) < 1e-6, kind.word());
        assertTrue(Parity.maxAbsDiff(a.image(), b.image()) < 1e-6, kind.word());
        assertTrue(Parity.maxAbsDiff(a.text().get("1, :3"), b.text().get("1, :3")) < 1e-6, kind.word());
      }
    }
  }

  /** Text-side cross-attention only reads the image tokens; co-attention and merged attention update them from the text. */
  @Test
  void onlyTextSideCrossAttentionLeavesTheImageStreamAlone() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      NDArray ids = ids(m);
      NDArray other = m.create(new long[] {1, 11, 12, 13, 2, 1, 14, 2, 0, 0}, new Shape(2, 5));
      for (Fusion.Kind kind : Fusion.Kind.values()) {
        Meter meter = tiny(kind).create();
        meter.initialize(m, 9);
        NDArray a = meter.forward(images, ids, atts(ids)).image();
        NDArray b = meter.forward(images, other, atts(other)).image();
        NDArray encoded = meter.encodeImage(images);
        if (kind == Fusion.Kind.CROSS_ATTENTION) {
          assertEquals(0.0, Parity.maxAbsDiff(a, encoded), "the image tokens pass through");
          assertEquals(0.0, Parity.maxAbsDiff(a, b), "so the text cannot change them");
        } else {
          assertTrue(Parity.maxAbsDiff(a, b) > 1e-4, kind.word() + ": the text reaches the image stream");
        }
      }
    }
  }

  /** Checkpoint names are METER's release's (its towers aside): fusion layers, poolers and heads. */
  @Test
  void keysFollowMetersRelease() {
    Set<String> co = new TreeSet<>(tiny(Fusion.Kind.CO_ATTENTION).create().namedParameters().keySet());
    for (String k : List.of("cross_modal_text_transform.weight", "cross_modal_image_transform.bias", "token_type_embeddings.weight",
        "cross_modal_text_layers.0.cross_attention.query.weight", "cross_modal_image_layers.0.feedforward_layernorm.weight",
        "cross_modal_text_pooler.dense.weight", "cross_modal_image_pooler.dense.bias", "itm_score.fc.weight",
        "vqa_classifier.0.weight", "vqa_classifier.1.weight", "vqa_classifier.3.bias", "mlm_score.decoder.weight",
        "vit_model.cls_token", "text_transformer.embeddings.word_embeddings.weight")) {
      assertTrue(co.contains(k), k + " in " + co);
    }
    Set<String> merged = tiny(Fusion.Kind.MERGED).create().namedParameters().keySet();
    assertTrue(merged.contains("cross_modal_layers.0.attention.query.weight"), merged.toString());
    assertTrue(merged.stream().noneMatch(k -> k.contains("cross_attention")), "merged attention has no cross-attention");
    Set<String> text = tiny(Fusion.Kind.CROSS_ATTENTION).create().namedParameters().keySet();
    assertTrue(text.contains("cross_modal_text_layers.layer.0.cross_attention.key.weight"), text.toString());
    assertTrue(text.stream().noneMatch(k -> k.startsWith("cross_modal_image_layers")), "no image stream");
    dev.vlt.models.msclip.ParameterSplit split = dev.vlt.models.msclip.ParameterSplit.of(tiny(Fusion.Kind.CO_ATTENTION).create());
    assertTrue(!split.readable() && split.describe().equals(String.format("%,d total", split.total())),
        "experiment reports do not call a fusion model's parameters text-only: " + split.describe());
  }

  @Test
  void clipsTextTowerWorksAsTheTextEncoder() throws Exception {
    ObjectNode json = TINY.toJson(JSON);
    ObjectNode text = json.putObject("text_cfg");
    text.put("type", "clip");
    new TextConfig(16, 1024, 32, 2, 1, 4.0, "argmax", null).write(text);
    MeterConfig cfg = MeterConfig.fromJson(json);
    assertTrue(cfg.text() instanceof TextTowerConfig.Clip);
    try (NDManager m = NDManager.newBaseManager()) {
      Meter meter = cfg.create();
      meter.initialize(m, 1);
      NDArray ids = ids(m);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        MeterOutput out = meter.forward(m.randomNormal(new Shape(2, 3, 32, 32)), ids, atts(ids));
        gc.backward(meter.itmLogits(out.cls()).sum().add(meter.vqaLogits(out.cls()).sum()).add(meter.mlmLogits(out.text()).mean()));
      }
      GradCheck.assertEveryParameterLearns(meter);   // CLIP's unused text_projection is frozen, so it is not expected to
    }
  }

  @Test
  void configsRoundTripAndErrorsNameTheField() throws Exception {
    for (Fusion.Kind kind : Fusion.Kind.values()) assertEquals(tiny(kind), MeterConfig.fromJson(tiny(kind).toJson(JSON)));
    assertEquals(TINY, Models.config("meter-tiny"));
    assertEquals(1023, TINY.maskTokenId(), "the last id is [MASK]");
    assertEquals(1023, TINY.tokenizerSpec().vocabSize(), "so a tokenizer trained for the model never writes it");
    assertError("fusion", c -> c.put("fusion", "early"));
    assertError("answers", c -> c.putArray("answers"));
    assertError("vision_cfg.num_classes", c -> ((ObjectNode) c.get("vision_cfg")).put("num_classes", 10));
    assertError("text_cfg.type", c -> ((ObjectNode) c.get("text_cfg")).put("type", "gpt"));
    assertError("mask_token_id", c -> c.put("mask_token_id", 0));
    assertError("model_cfg.colour", c -> c.put("colour", 1));
  }

  @Test
  void startsItsVitFromAClipsImageTowerAndRefusesWhatDoesNotFit() {
    dev.vlt.models.clip.ClipConfig clipCfg = Models.config("tiny", dev.vlt.models.clip.ClipConfig.class);
    ObjectNode cfg = TINY.toJson(JSON);
    cfg.set("vision_cfg", JSON.createObjectNode().put("img_size", 32).put("patch_size", 8).put("num_classes", 0)
        .put("embed_dim", 64).put("depth", 2).put("num_heads", 4).put("pre_norm", true));
    MeterConfig fits = MeterConfig.fromJson(cfg);
    assertEquals(fits, MeterConfig.fromJson(fits.toJson(JSON)), "pre_norm reads back");
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      dev.vlt.models.clip.Clip clip = new dev.vlt.models.clip.Clip(clipCfg);
      clip.initialize(m, 2);
      Meter meter = new Meter(fits);
      meter.initialize(m, 3);
      float before = meter.namedParameters().get("text_transformer.embeddings.word_embeddings.weight").value().getFloat(0, 0);
      assertTrue(meter.initFrom(clip, m).contains("vit_model"));
      NDArray conv = clip.visual().namedParameters().get("conv1.weight").value();
      NDArray patch = meter.namedParameters().get("vit_model.patch_embed.proj.weight").value();
      assertEquals(0f, conv.sub(patch).abs().max().getFloat());
      NDArray qkv = meter.namedParameters().get("vit_model.blocks.1.attn.qkv.weight").value();
      NDArray inProj = clip.visual().namedParameters().get("transformer.resblocks.1.attn.in_proj_weight").value();
      assertEquals(0f, qkv.sub(inProj).abs().max().getFloat());
      assertEquals(before, meter.namedParameters().get("text_transformer.embeddings.word_embeddings.weight").value().getFloat(0, 0),
          "the text tower stays as it was");
      // meter-tiny's ViT (width 32, no pre_norm) cannot hold the CLIP's tower, and a METER is no CLIP
      Meter other = new Meter(TINY);
      other.initialize(m, 4);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.initFrom(clip, m));
      assertTrue(e.getMessage().contains("pre_norm true"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> meter.initFrom(other, m));
      assertTrue(e.getMessage().contains("from a CLIP"), e.getMessage());
    }
  }

  private static void assertError(String field, Consumer<ObjectNode> edit) {
    ObjectNode cfg = TINY.toJson(JSON);
    edit.accept(cfg);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MeterConfig.fromJson(cfg));
    assertTrue(e.getMessage().contains(field), e.getMessage() + " should name " + field);
  }
}
