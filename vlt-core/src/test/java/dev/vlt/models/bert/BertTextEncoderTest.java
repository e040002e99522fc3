package dev.vlt.models.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.vlt.models.ConfigReader;
import dev.vlt.nn.GradCheck;
import dev.vlt.tensor.NoGrad;
import org.junit.jupiter.api.Test;

/** The BERT encoder on a tiny config: shapes, float64 gradients, padding and the frozen padding row. */
class BertTextEncoderTest {
  static final BertConfig TINY = new BertConfig(new BertEmbeddingsConfig(50, 8, 10, 2, 0, 1e-12), 2, 2, 16);

  @Test
  void shapesAndGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      BertTextEncoder enc = new BertTextEncoder(TINY);
      enc.initialize(m, 3);
      enc.castTo(DataType.FLOAT64);
      NDArray ids = m.create(new long[] {2, 7, 9, 3, 2, 11, 12, 13}, new Shape(2, 4));  // no padding: see the next test
      NDArray atts = m.create(new long[] {1, 1, 1, 1, 1, 1, 1, 0}, new Shape(2, 4));
      assertEquals(new Shape(2, 4, 8), enc.forward(ids, atts).getShape());
      NDArray r = m.randomNormal(new Shape(2, 4, 8), DataType.FLOAT32).toType(DataType.FLOAT64, false);
      assertTrue(GradCheck.check(enc, () -> enc.forward(ids, atts).mul(r).sum(), 3) > 0);
      assertThrows(IllegalArgumentException.class, () -> enc.forward(m.zeros(new Shape(1, 11), DataType.INT64),
          m.ones(new Shape(1, 11), DataType.INT64)), "longer than max_position_embeddings");
    }
  }

  @Test
  void paddingIsInvisibleAndItsEmbeddingRowFrozen() {
    try (NDManager m = NDManager.newBaseManager()) {
      BertTextEncoder enc = new BertTextEncoder(TINY);
      enc.initialize(m, 4);
      NDArray ids = m.create(new long[] {2, 7, 3, 0, 0}, new Shape(1, 5));
      NDArray atts = m.create(new long[] {1, 1, 1, 0, 0}, new Shape(1, 5));
      NDArray other = m.create(new long[] {2, 7, 3, 0, 41}, new Shape(1, 5));  // a different masked token
      try (NoGrad ng = NoGrad.open()) {
        NDArray a = enc.forward(ids, atts);
        NDArray b = enc.forward(other, atts);
        assertArrayEquals(a.get("0, :3").toFloatArray(), b.get("0, :3").toFloatArray(), 1e-6f);
      }
      NDArray wordGrad;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(enc.forward(ids, atts).sum());
      }
      wordGrad = enc.namedParameters().get("embeddings.word_embeddings.weight").value().getGradient();
      float[] padRow = wordGrad.get("0").toFloatArray();
      for (float v : padRow) assertEquals(0f, v, 0f, "torch's padding_idx: the pad row gets no gradient");
      assertTrue(wordGrad.get("7").abs().sum().getFloat() > 0);
    }
  }

  @Test
  void configIsStrict() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String ok = "{\"vocab_size\": 50, \"hidden_size\": 8, \"type_vocab_size\": 2, \"max_position_embeddings\": 10,"
        + " \"pad_token_id\": 0, \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"intermediate_size\": 16,"
        + " \"layer_norm_eps\": 1e-12, \"dropout\": 0.0}";
    BertConfig c = BertConfig.read(new ConfigReader(json.readTree(ok), "text_encoder_args"));
    assertEquals(TINY, c);
    ObjectNode written = json.createObjectNode();
    c.write(written);
    assertEquals(c, BertConfig.read(new ConfigReader(written, "t")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        BertConfig.read(new ConfigReader(json.readTree(ok.replace("\"dropout\": 0.0", "\"dropout\": 0.1")), "t")));
    assertTrue(e.getMessage().contains("dropout"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () ->
        BertConfig.read(new ConfigReader(json.readTree(ok.replace(", \"dropout\": 0.0", "")), "t")));
    assertTrue(e.getMessage().contains("dropout"), "an absent dropout means torchmultimodal's 0.1: " + e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () ->
        BertConfig.read(new ConfigReader(json.readTree(ok.replace("\"num_attention_heads\": 2", "\"num_attention_heads\": 3")), "t")));
    assertTrue(e.getMessage().contains("num_attention_heads"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () ->
        BertConfig.read(new ConfigReader(json.readTree(ok.replace("{", "{\"colour\": 1, ")), "t")));
    assertTrue(e.getMessage().contains("colour"), e.getMessage());
  }
}
