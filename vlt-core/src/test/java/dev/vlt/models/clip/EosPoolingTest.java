package dev.vlt.models.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.nn.Activation;
import dev.vlt.tensor.NoGrad;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** "eos" pooling (transformers' rule when eos_token_id is not 2) takes the FIRST eos, unlike argmax over the ids. */
class EosPoolingTest {
  @Test
  void poolsAtTheFirstEosNotTheLargestId() {
    TextConfig cfg = new TextConfig(8, 50, 16, 2, 1, 2.0, "eos", null, 7);
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      TextTransformer text = new TextTransformer(cfg, 4, Activation.GELU);
      text.initialize(m, 3);
      NDArray ids = m.create(new long[] {
          1, 40, 7, 49, 7, 0, 0, 0,     // eos at 2, a larger id after it: argmax would pick 3
          1, 7, 7, 7, 7, 7, 7, 7,       // eos repeated as padding (openai's tokenizer pads with eot): the first, 1
          1, 3, 4, 5, 6, 8, 9, 10},     // no eos at all: transformers falls back to 0
          new Shape(3, 8));
      Map<String, NDArray> trace = new HashMap<>();
      text.forward(ids, trace::put);
      assertArrayEquals(new long[] {2, 1, 0}, trace.get("text.eot_index").toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray());
      NDArray tokens = trace.get("text.ln_final_out");
      for (int row = 0; row < 3; row++) {
        long at = new long[] {2, 1, 0}[row];
        assertArrayEquals(tokens.get(new NDIndex("{}, {}", row, at)).toFloatArray(),
            trace.get("text.pooled").get(row).toFloatArray());
      }
    }
  }

  @Test
  void eosIdIsReadWrittenAndChecked() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String cfg = "{\"embed_dim\":4,\"vision_cfg\":{\"image_size\":8,\"patch_size\":4,\"width\":8,\"head_width\":4,\"layers\":1},"
        + "\"text_cfg\":{\"context_length\":8,\"vocab_size\":50,\"width\":8,\"heads\":2,\"layers\":1,\"pool_type\":\"eos\",\"eos_id\":7}}";
    ClipConfig c = ClipConfig.fromJson(json.readTree(cfg));
    assertEquals(7, c.text().eosId());
    assertEquals(c, ClipConfig.fromJson(c.toJson(json)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClipConfig.fromJson(json.readTree(cfg.replace("\"eos_id\":7", "\"eos_id\":50"))));
    assertTrue(e.getMessage().contains("text_cfg.eos_id"), e.getMessage());
    // configs without eos_id keep open_clip's default and their old JSON
    assertEquals(TextConfig.DEFAULT_EOS_ID, new TextConfig(77, 49408, 512, 8, 12, 4.0, "argmax", null).eosId());
  }
}
