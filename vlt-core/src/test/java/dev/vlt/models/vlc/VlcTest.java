package dev.vlt.models.vlc;

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
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.mae.Mae;
import dev.vlt.models.mae.MaeConfig;
import dev.vlt.nn.GradCheck;
import dev.vlt.nn.RandomMasking;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** VLC's module: shapes with and without dropped patches, every parameter learns, config reading, the MAE start, capabilities. */
class VlcTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** 32 px in 8-px patches (16 patches, 6 kept at ratio 0.6), width 32, 2 layers. */
  static final MaeConfig MAE = new MaeConfig(32, 8, 3, 32, 2, 4, 16, 1, 2, 4.0, 0.6, true);
  static final VlcConfig TINY = new VlcConfig(MAE,
      new dev.vlt.models.bert.BertEmbeddingsConfig(64, 32, 16, 1, 0, 1e-12), List.of("yes", "no", "red"), 63);

  /** Two pairs: a 5-token text, and a 3-token one padded to 5. */
  static NDArray ids(NDManager m) {
    return m.create(new long[] {1, 7, 8, 9, 2, 1, 10, 2, 0, 0}, new Shape(2, 5));
  }

  @Test
  void headsAndDecoderGetTheirShapesAndEveryParameterLearns() {
    try (NDManager m = NDManager.newBaseManager()) {
      Vlc vlc = TINY.create();
      vlc.initialize(m, 3);
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      NDArray ids = ids(m);
      NDArray atts = ids.neq(0).toType(DataType.INT64, false);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        Vlc.ImageTokens all = vlc.embedImage(images, null);
        assertEquals(new Shape(2, 17, 32), all.tokens().getShape(), "class token + every patch");
        Vlc.ImageTokens kept = vlc.embedImage(images, RandomMasking.noise(m, 2, 16, 5));
        assertEquals(new Shape(2, 7, 32), kept.tokens().getShape(), "class token + int(16 · 0.4) = 6 patches");
        assertEquals(10f, kept.dropped().mask().sum().getFloat() / 2, "10 of 16 patches dropped per image");
        VlcOutput out = vlc.fuse(vlc.embedText(ids), atts, kept.tokens());
        assertEquals(new Shape(2, 5, 32), out.text().getShape());
        assertEquals(new Shape(2, 7, 32), out.image().getShape());
        assertEquals(new Shape(2, 32), out.cls().getShape());
        NDArray pred = vlc.mimPrediction(out.image(), kept.dropped().idsRestore());
        assertEquals(new Shape(2, 16, 8 * 8 * 3), pred.getShape(), "a pixel prediction for every patch");
        VlcOutput full = vlc.fuse(vlc.embedText(ids), atts, all.tokens());
        NDArray loss = Ops.crossEntropy(vlc.itmLogits(out.cls()), m.create(new long[] {1, 0}))
            .add(Ops.crossEntropy(vlc.vqaLogits(full.cls()), m.create(new long[] {2, 0})))
            .add(Ops.crossEntropy(vlc.mlmLogits(out.text()).reshape(10, 64), ids.reshape(10)))
            .add(pred.square().mean());
        gc.backward(loss);
      }
      int n = GradCheck.assertEveryParameterLearns(vlc);
      assertTrue(n > 30, "parameters with gradients: " + n);
    }
  }

  @Test
  void paddedTextDoesNotReachRealTokens() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Vlc vlc = TINY.create();
      vlc.initialize(m, 3);
      NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
      NDArray ids = ids(m);
      NDArray atts = ids.neq(0).toType(DataType.INT64, false);
      NDArray other = m.create(new long[] {1, 7, 8, 9, 2, 1, 10, 2, 30, 31}, new Shape(2, 5));   // new ids in the padding only
      NDArray a = vlc.fuse(vlc.embedText(ids), atts, vlc.embedImage(images, null).tokens()).cls();
      NDArray b = vlc.fuse(vlc.embedText(other), atts, vlc.embedImage(images, null).tokens()).cls();
      assertTrue(a.sub(b).abs().max().getFloat() < 1e-6, "masked keys change nothing");
    }
  }

  @Test
  void configsRoundTripAndErrorsNameTheField() {
    assertEquals(TINY, VlcConfig.fromJson(TINY.toJson(JSON)));
    VlcConfig registry = Models.config("vlc-shapes-small", VlcConfig.class);
    assertEquals(registry, VlcConfig.fromJson(registry.toJson(JSON)));
    assertEquals(0.6, registry.mae().maskRatio(), "VLC's patch-drop ratio");
    assertEquals(Models.config("mae-small", MaeConfig.class).encoder(), registry.mae().encoder(),
        "the registry VLC can start from the mae quickstart's MAE");
    assertEquals(63, TINY.tokenizerSpec().vocabSize(), "the tokenizer keeps below the [MASK] id");
    assertError("text_cfg.hidden_size", c -> ((ObjectNode) c.get("text_cfg")).put("hidden_size", 48));
    assertError("answers", c -> c.putArray("answers"));
    assertError("mask_token_id", c -> c.put("mask_token_id", 0));
    assertError("model_cfg.colour", c -> c.put("colour", 1));
    assertError("mask_ratio", c -> ((ObjectNode) c.get("mae_cfg")).put("mask_ratio", 1.0));
    assertError("depht", c -> ((ObjectNode) c.get("mae_cfg")).put("depht", 2));
  }

  @Test
  void startsItsTransformerFromAnMaeEncoderAndRefusesWhatDoesNotFit() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Mae mae = new MaeConfig(32, 8, 3, 32, 2, 4, 24, 1, 4, 4.0, 0.75, false).create();   // other decoder, ratio, targets
      mae.initialize(m, 11);
      Vlc vlc = TINY.create();
      vlc.initialize(m, 3);
      NDArray decoderBefore = vlc.namedParameters().get("decoder_embed.weight").value().duplicate();
      NDArray wordsBefore = vlc.namedParameters().get("text_embeddings.word_embeddings.weight").value().duplicate();
      assertTrue(vlc.initFrom(mae, m).contains("transformer"));
      mae.encoder().stateDict().forEach((key, value) -> {
        NDArray copied = vlc.namedParameters().get("transformer." + key).value();
        assertEquals(0f, copied.sub(value).abs().max().getFloat(), key + " is the MAE's");
      });
      assertEquals(0f, vlc.namedParameters().get("decoder_embed.weight").value().sub(decoderBefore).abs().max().getFloat(),
          "the MIM decoder stays fresh");
      assertEquals(0f, vlc.namedParameters().get("text_embeddings.word_embeddings.weight").value().sub(wordsBefore).abs().max()
          .getFloat(), "the text embeddings stay fresh");
      Mae deeper = new MaeConfig(32, 8, 3, 32, 3, 4, 16, 1, 2, 4.0, 0.6, true).create();
      deeper.initialize(m, 12);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vlc.initFrom(deeper, m));
      assertTrue(e.getMessage().contains("depth 3"), e.getMessage());
      Vlc other = TINY.create();
      other.initialize(m, 4);
      e = assertThrows(IllegalArgumentException.class, () -> vlc.initFrom(other, m));
      assertTrue(e.getMessage().contains("from an MAE"), e.getMessage());
    }
  }

  @Test
  void matchesAndAnswersButRefusesWhatItCannotDo() {
    try (LoadedModel lm = Models.create("vlc-shapes-small", 1)) {
      assertEquals(List.of(Capability.IMAGE_TEXT_MATCHING, Capability.QUESTION_ANSWERING), lm.capabilities());
      for (Capability<?> missing : List.of(Capability.IMAGE_EMBEDDING, Capability.IMAGE_TEXT_SIMILARITY, Capability.CAPTIONING)) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lm.require(missing));
        assertTrue(e.getMessage().contains("VLC model and cannot " + missing.action()), e.getMessage());
      }
      try (NoGrad ng = NoGrad.open()) {
        NDManager m = lm.manager();
        NDArray images = m.randomNormal(new Shape(2, 3, 64, 64));
        NDArray ids = ids(m);
        NDArray atts = ids.neq(0).toType(DataType.INT64, false);
        float[] p = lm.require(Capability.IMAGE_TEXT_MATCHING).matchProbability(images, ids, atts).toFloatArray();
        assertEquals(2, p.length);
        for (float v : p) assertTrue(v >= 0 && v <= 1);
        var answers = lm.require(Capability.QUESTION_ANSWERING).answer(images, ids, atts, null);
        assertEquals(2, answers.size());
        assertTrue(lm.as(Vlc.class).config().answers().contains(answers.get(0).text()));
      }
    }
  }

  private static void assertError(String field, Consumer<ObjectNode> edit) {
    ObjectNode cfg = TINY.toJson(JSON);
    edit.accept(cfg);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VlcConfig.fromJson(cfg));
    assertTrue(e.getMessage().contains(field), e.getMessage() + " should name " + field);
  }
}
