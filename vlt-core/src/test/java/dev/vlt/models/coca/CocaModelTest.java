package dev.vlt.models.coca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.models.Architectures;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.caption.Decoding;
import dev.vlt.models.caption.Generator;
import dev.vlt.models.caption.TokenSearch;
import dev.vlt.objectives.CocaLoss;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CoCa's config, folder round trip, gradients and decoding on the coca_tiny fixture. */
class CocaModelTest {
  private static final Path DIR = Fixtures.fixture("coca_tiny");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SOT = 998;
  private static final int EOT = 999;

  private static JsonNode fixtureConfig() throws Exception {
    return JSON.readTree(DIR.resolve("config.json").toFile()).get("open_clip_model_config");
  }

  @Test
  void configRoundTripsAndTheRegistryHasTheFixture() throws Exception {
    CocaConfig cfg = CocaConfig.fromJson(fixtureConfig());
    assertEquals(cfg, CocaConfig.fromJson(cfg.toJson(JSON)));
    assertEquals(cfg, Models.config("coca-tiny", CocaConfig.class));
    assertEquals(new PoolerConfig(8, 4), cfg.pooler());
    assertEquals(16, cfg.maxDecodeLength());
    assertEquals(Architectures.COCA, Architectures.of(JSON.createObjectNode().set("model_cfg", fixtureConfig())),
        "an open_clip folder without \"arch\": CoCa is recognised by its multimodal_cfg");
    Models.config("coca-shapes", CocaConfig.class);  // parses
    CocaConfig small = Models.config("coca-shapes-small", CocaConfig.class);
    assertEquals(8, small.vision().patchSize());
    assertEquals(new PoolerConfig(16, 4), small.pooler());
    assertThrows(IllegalArgumentException.class, () -> Models.config("coca-tiny", dev.vlt.models.clip.ClipConfig.class),
        "a CoCa config is not a CLIP config");
  }

  @Test
  void configErrorsNameTheField() throws Exception {
    assertError("model_cfg.text_cfg.embed_cls", c -> ((ObjectNode) c.get("text_cfg")).put("embed_cls", false));
    assertError("model_cfg.vision_cfg.attentional_pool", c -> ((ObjectNode) c.get("vision_cfg")).remove("attentional_pool"));
    assertError("multimodal_cfg.mlp_ratio", c -> ((ObjectNode) c.get("multimodal_cfg")).put("mlp_ratio", 2.0));
    assertError("multimodal_cfg.vocab_size", c -> ((ObjectNode) c.get("multimodal_cfg")).put("vocab_size", 999));
    assertError("model_cfg.custom_text", c -> ((ObjectNode) c).remove("custom_text"));
    assertError("embed_dim", c -> ((ObjectNode) c).put("embed_dim", 32));
    assertError("model_cfg.text_cfg.colour", c -> ((ObjectNode) c.get("text_cfg")).put("colour", 1));
    assertError("vision_cfg.attn_pooler_queries", c -> ((ObjectNode) c.get("vision_cfg")).put("attn_pooler_queries", 1));
  }

  private static void assertError(String field, java.util.function.Consumer<JsonNode> edit) throws Exception {
    JsonNode cfg = fixtureConfig().deepCopy();
    edit.accept(cfg);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CocaConfig.fromJson(cfg));
    assertTrue(e.getMessage().contains(field), e.getMessage() + " should name " + field);
  }

  @Test
  void everyParameterGetsAFiniteGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      Coca model = new Coca(Models.config("coca-tiny", CocaConfig.class));
      model.initialize(m, 3);
      model.train(true);
      NDArray images = m.randomNormal(new Shape(3, 3, 32, 32));
      NDArray ids = m.create(new long[] {SOT, 5, 6, EOT, 0, 0, SOT, 7, EOT, 0, 0, 0, SOT, 8, 9, 10, 11, EOT}, new Shape(3, 6));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(CocaLoss.defaults().compute(model.trainingForward(images, ids, Trace.NONE)).total());
      }
      for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
        float[] g = e.getValue().value().getGradient().toFloatArray();
        double sum = 0;
        for (float v : g) {
          assertTrue(Float.isFinite(v), e.getKey() + " has a non-finite gradient");
          sum += Math.abs(v);
        }
        assertTrue(sum > 0, e.getKey() + " gets no gradient");
      }
    }
  }

  @Test
  void hubFolderRoundTripKeepsEveryOutput(@TempDir Path tmp) throws Exception {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Coca model = new Coca(CocaConfig.fromJson(fixtureConfig()));
      model.load(m, Parity.load(m, DIR.resolve("weights.safetensors")));
      Models.save(model, dev.vlt.data.image.PreprocessConfig.openai(32), tmp.resolve("coca"));
      Map<String, NDArray> in = Parity.load(m, DIR.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = Parity.load(m, DIR.resolve("outputs.safetensors"));
      try (LoadedModel back = Models.load(tmp.resolve("coca"))) {
        assertEquals(Architectures.COCA, back.architecture());
        assertEquals(model.config(), back.as(Coca.class).config());
        CocaOutput out = back.as(Coca.class).trainingForward(in.get("images"), in.get("text"), Trace.NONE);
        Parity.assertClose("caption_logits", expected.get("caption_logits"), out.captionLogits(), 1e-5);
        // one loaded model, every capability: it captions, and embeds like CLIP
        assertTrue(back.has(Capability.CAPTIONING) && back.has(Capability.IMAGE_EMBEDDING) && back.has(Capability.TEXT_EMBEDDING));
        Parity.assertClose("image_features_normalized", expected.get("image_features_normalized"),
            back.require(Capability.IMAGE_EMBEDDING).encodeImage(in.get("images"), true), 1e-5);
      }
    }
  }

  /** The 4-wide beam's finished captions for one image, as Generator's re-ranking sees them. */
  private static List<TokenSearch.Done> nBest(Coca model, NDArray image, int maxLength) {
    NDArray tokens = model.encodeImage(image, Trace.NONE).tokens();
    TokenSearch search = new TokenSearch((prefixes, rows) -> {
      NDManager m = image.getManager();
      int len = prefixes[0].length;
      long[] flat = new long[prefixes.length * len];
      for (int r = 0; r < prefixes.length; r++) for (int t = 0; t < len; t++) flat[r * len + t] = prefixes[r][t];
      NDArray img = tokens.repeat(0, prefixes.length);
      float[] all = model.nextTokenLogits(img, m.create(flat, new Shape(prefixes.length, len))).toFloatArray();
      int v = all.length / prefixes.length;
      float[][] out = new float[prefixes.length][];
      for (int r = 0; r < out.length; r++) out[r] = java.util.Arrays.copyOfRange(all, r * v, (r + 1) * v);
      return out;
    }, SOT, EOT, maxLength);
    return search.nBest(1, new Decoding.Beam(4, 1.0)).get(0);
  }

  @Test
  void greedyDecodingAgreesWithTheTeacherForcedForward() throws Exception {
    int n = 10;  // max length, start token included
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Coca model = new Coca(CocaConfig.fromJson(fixtureConfig()));
      model.load(m, Parity.load(m, DIR.resolve("weights.safetensors")));
      NDArray images = Parity.load(m, DIR.resolve("inputs.safetensors")).get("images").get(new NDIndex("0:2"));
      Generator gen = new Generator(model, SOT, EOT, n);
      List<int[]> greedy = gen.generate(images, Decoding.greedy());
      assertEquals(2, greedy.size());
      for (int i = 0; i < 2; i++) {
        int[] g = greedy.get(i);
        assertTrue(g.length <= n - 1);
        // feed [sot, g…, eot] back through the training forward: each position's argmax must be the next generated token
        long[] ids = new long[n];
        ids[0] = SOT;
        for (int t = 0; t < g.length; t++) ids[t + 1] = g[t];
        if (g.length < n - 1) ids[g.length + 1] = EOT;
        long[] predicted = model.trainingForward(images.get(new NDIndex("{}:{}", i, i + 1)), m.create(ids, new Shape(1, n)), Trace.NONE)
            .captionLogits().argMax(-1).toLongArray();
        for (int t = 0; t < Math.min(g.length + 1, n - 1); t++) assertEquals(ids[t + 1], predicted[t], "image " + i + " step " + t);
      }
      List<int[]> width1 = gen.generate(images, new Decoding.Beam(1, 0));
      for (int i = 0; i < 2; i++) assertArrayEquals(greedy.get(i), width1.get(i), "a width-1 beam is greedy");
      List<int[]> sampled = gen.generate(images, new Decoding.Sample(5, 0.9, 1.0, 11));
      List<int[]> again = gen.generate(images, new Decoding.Sample(5, 0.9, 1.0, 11));
      for (int i = 0; i < 2; i++) assertArrayEquals(sampled.get(i), again.get(i), "the same seed draws the same caption");
      for (int[] b : new Generator(model, SOT, EOT, 4).generate(images, new Decoding.Beam(2, 1.0))) {
        assertTrue(b.length <= 3, "max length 4 leaves 3 tokens after the start");
      }
      // re-ranking: the pick is one of the beam's finished captions, the best by beam score + scale × cosine, with each
      // candidate's cosine recomputed here one caption at a time
      double scale = Math.exp(model.logitScale().value().getFloat());
      NDArray imageEmb = model.encodeImage(images, true);
      for (double weight : new double[] {1.0, 0.25, Double.POSITIVE_INFINITY}) {
        List<int[]> reranked = gen.generate(images, new Decoding.Rerank(4, 1.0, weight));
        for (int i = 0; i < 2; i++) {
          NDArray image = imageEmb.get(new NDIndex("{}:{}", i, i + 1));
          double bestScore = Double.NEGATIVE_INFINITY;
          int[] best = null;
          boolean found = false;
          for (TokenSearch.Done d : nBest(model, images.get(new NDIndex("{}:{}", i, i + 1)), n)) {
            long[] ids = new long[model.config().text().contextLength()];
            ids[0] = SOT;
            for (int t = 0; t < d.content().length; t++) ids[t + 1] = d.content()[t];
            ids[d.content().length + 1] = EOT;
            double cos = model.encodeText(m.create(ids, new Shape(1, ids.length)), true).mul(image).sum().getFloat();
            double score = Double.isInfinite(weight) ? cos : d.score() + weight * scale * cos;
            if (score > bestScore) {
              bestScore = score;
              best = d.content();
            }
            found |= java.util.Arrays.equals(d.content(), reranked.get(i));
          }
          assertTrue(found, "the re-ranked caption is one of the beam's");
          assertArrayEquals(best, reranked.get(i), "image " + i + ", weight " + weight);
        }
      }
      assertThrows(IllegalArgumentException.class, () -> new Decoding.Rerank(4, 1.0, -1));
      assertThrows(IllegalArgumentException.class, () -> new Generator(model, SOT, EOT, 17));
      assertThrows(IllegalArgumentException.class, () -> new Generator(model, SOT, 1000, 10));
    }
  }

  @Test
  void intuitiveClsMaskWouldDifferFromOpenClips() {
    try (NDManager m = NDManager.newBaseManager()) {
      // ids [sot, 5, eot, 0]: the CLS row opens key 0 always, key j ≥ 1 iff ids[j−1] ≠ pad: keys 1, 2, 3 open (ids 0..2
      // are not pad), key 4 (ids[3] = pad) closed — so CLS sees the first pad slot (3) and not itself (4)
      NDArray mask = CocaText.clsMask(m.create(new long[] {SOT, 5, EOT, 0}, new Shape(1, 4)), 0, DataType.FLOAT32);
      float[] clsRow = mask.get(new NDIndex("0, 0, 4")).toFloatArray();
      assertArrayEquals(new float[] {0, 0, 0, 0, Float.NEGATIVE_INFINITY}, clsRow);
      float[] row1 = mask.get(new NDIndex("0, 0, 1")).toFloatArray();
      assertArrayEquals(new float[] {0, 0, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, row1);
      assertFalse(Float.isInfinite(clsRow[3]), "the off-by-one: the first pad position is visible");
    }
  }
}
