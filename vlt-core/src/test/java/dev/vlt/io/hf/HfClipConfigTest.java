package dev.vlt.io.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.models.Models;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tensor.CheckpointMismatchException;
import dev.vlt.tokenize.ClipBpeTokenizer;
import dev.vlt.tokenize.Tokenizer;
import dev.vlt.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json defaults and checks, the key map's strictness, and CLIP's tokenizer in transformers' files. */
class HfClipConfigTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static ClipConfig read(String json) throws Exception {
    return HfClipConfig.read(JSON.readTree(json), "config.json");
  }

  @Test
  void absentKeysTakeTransformersDefaults() throws Exception {
    // openai/clip-vit-base-patch32 as a legacy config: eos 2 means argmax pooling
    ClipConfig c = read("{\"model_type\": \"clip\", \"text_config\": {\"eos_token_id\": 2}, \"vision_config\": {}}");
    assertEquals(Models.config("ViT-B-32-quickgelu", ClipConfig.class).vision(), c.vision());
    assertEquals(Models.config("ViT-B-32-quickgelu", ClipConfig.class).text(), c.text());
    assertEquals(512, c.embedDim());
    assertTrue(c.quickGelu());                     // transformers' default hidden_act
    assertEquals("eos", read("{\"model_type\": \"clip\"}").text().pool());   // default eos 49407 is not the legacy id
    assertEquals(49407, read("{\"model_type\": \"clip\"}").text().eosId());
  }

  @Test
  void configDictOverridesConfig() throws Exception {
    ClipConfig c = read("{\"model_type\": \"clip\", \"text_config\": {\"hidden_size\": 512},"
        + " \"text_config_dict\": {\"hidden_size\": 768, \"num_attention_heads\": 12, \"intermediate_size\": 3072},"
        + " \"vision_config_dict\": null}");
    assertEquals(768, c.text().width());
    assertEquals(12, c.text().heads());
  }

  @Test
  void whatVltCannotBuildIsAnErrorNamingTheKey() {
    String[][] cases = {
        {"{\"model_type\": \"siglip\"}", "model_type"},
        {"{\"model_type\": \"clip\", \"text_config\": {\"hidden_act\": \"gelu_new\"}}", "text_config.hidden_act"},
        {"{\"model_type\": \"clip\", \"text_config\": {\"hidden_act\": \"gelu\"}}", "vision_config.hidden_act"},
        {"{\"model_type\": \"clip\", \"vision_config\": {\"layer_norm_eps\": 1e-6}}", "vision_config.layer_norm_eps"},
        {"{\"model_type\": \"clip\", \"vision_config\": {\"num_attention_heads\": 7}}", "vision_config.num_attention_heads"},
        {"{\"model_type\": \"clip\", \"text_config\": {\"vocab_size\": \"big\"}}", "text_config.vocab_size"},
        {"[1, 2]", "JSON object"},
    };
    for (String[] c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(c[0]), c[0]);
      assertTrue(e.getMessage().startsWith("config.json") && e.getMessage().contains(c[1]), e.getMessage());
    }
  }

  @Test
  void keyMapIsStrictAndNamesTransformersKeys() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> hf = new HashMap<>();
      for (HfClipKeys.Entry e : HfClipKeys.table(1, 1)) {
        for (String k : e.hf()) hf.put(k, m.zeros(e.transform() == HfClipKeys.Transform.TRANSPOSE ? new Shape(2, 3) : new Shape(3)));
      }
      hf.put("vision_model.embeddings.position_ids", m.zeros(new Shape(1, 5)));   // an old buffer: skipped
      assertEquals(HfClipKeys.table(1, 1).size(), HfClipKeys.toOpenClip(hf, 1, 1).size());
      assertArrayEquals(new long[] {3, 2}, HfClipKeys.toOpenClip(hf, 1, 1).get("visual.proj").getShape().getShape());
      hf.remove("text_model.encoder.layers.0.self_attn.k_proj.bias");
      hf.put("text_model.pooler.dense.weight", m.zeros(new Shape(3)));
      CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class, () -> HfClipKeys.toOpenClip(hf, 1, 1));
      assertEquals(List.of("text_model.encoder.layers.0.self_attn.k_proj.bias"), e.missing());
      assertEquals(List.of("text_model.pooler.dense.weight"), e.unexpected());
    }
  }

  /** The exported vocab.json + merges.txt give open_clip's ids through the resolver every command uses. */
  @Test
  void clipTokenizerFilesGiveOpenClipIds(@TempDir Path dir) throws Exception {
    Path gz = Fixtures.fixture("tokenizer", "bpe_simple_vocab_16e6.txt.gz");
    HfTokenizerFiles.writeClip(gz, 77, dir);
    assertEquals(49408, JSON.readTree(dir.resolve("vocab.json").toFile()).size());
    assertEquals(77, JSON.readTree(dir.resolve("tokenizer_config.json").toFile()).get("model_max_length").asInt());
    Tokenizer fromFiles = Tokenizers.resolve(dir, new dev.vlt.tokenize.TokenizerSpec(77, 49408, null, false), null, "m");
    Tokenizer reference = ClipBpeTokenizer.fromMergesFile(gz, 77);
    List<String> texts = new ArrayList<>();
    JSON.readTree(Fixtures.fixture("tokenizer", "cases.json").toFile()).get("cases").forEach(c -> texts.add(c.get("text").asText()));
    assertEquals(307, texts.size());
    assertArrayEquals(reference.tokenize(texts), fromFiles.tokenize(texts));
  }
}
