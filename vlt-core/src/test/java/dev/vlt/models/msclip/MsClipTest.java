package dev.vlt.models.msclip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.msclip.MsClip.AttentionSite;
import dev.vlt.models.msclip.MsClip.Modality;
import dev.vlt.nn.GradCheck;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import dev.vlt.tensor.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sharing spectrum's module trees, what sharing does to the two modalities, the two auxiliary modules, gradients. */
class MsClipTest {
  static final MsClipConfig SEPARATE = new MsClipConfig(16, 16, 4, 8, 50, 16, 2, 3, 2.0, Sharing.NONE, false, List.of(),
      "tok", false, ClipConfig.DEFAULT_LOGIT_SCALE);
  private NDManager m;
  private NDArray images;
  private NDArray ids;

  @BeforeAll
  static void oneThread() {
    // a busy 2-core machine starves a 2-thread OpenMP pool (each op waits at its barrier): one thread is 20-40x faster
    Engines.setThreads(1);
  }

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    images = m.randomNormal(new Shape(3, 3, 16, 16));
    ids = m.create(new long[][] {{48, 5, 9, 49, 0, 0, 0, 0}, {48, 7, 49, 0, 0, 0, 0, 0}, {48, 3, 3, 3, 3, 3, 3, 49}});
  }

  @AfterEach
  void close() {
    m.close();
  }

  private MsClip model(MsClipConfig c) {
    MsClip model = new MsClip(c);
    model.initialize(m, 3);
    return model;
  }

  private static long blockParams(MsClipConfig c) {
    long w = c.width();
    long hidden = (long) (w * c.mlpRatio());
    return 4 * w + (3 * w * w + 3 * w + w * w + w) + (w * hidden + hidden + hidden * w + w);   // 2 LN, attn, mlp
  }

  @Test
  void theSpectrumMovesBlockParametersIntoTheSharedTransformer() {
    long separate = new MsClip(SEPARATE).parameterCount();
    long attnMlp = blockParams(SEPARATE) - 4L * SEPARATE.width();
    ParameterSplit msclip = ParameterSplit.of(new MsClip(SEPARATE.with(Sharing.msClip(0, 3), false, List.of(), "tok")));
    assertEquals(3 * attnMlp, msclip.shared());
    assertEquals(separate - 3 * attnMlp, msclip.total());
    ParameterSplit full = ParameterSplit.of(new MsClip(SEPARATE.with(Sharing.full(3), false, List.of(), "tok")));
    assertEquals(3 * blockParams(SEPARATE), full.shared());
    assertEquals(separate - 3 * blockParams(SEPARATE), full.total());
    ParameterSplit last = ParameterSplit.of(new MsClip(SEPARATE.with(new Sharing(List.of(2), true, false, false), false, List.of(), "tok")));
    assertEquals(4L * SEPARATE.width() * SEPARATE.width() + 4L * SEPARATE.width(), last.shared());
  }

  @Test
  void sharedWeightsAreOneObjectAndNamedOnce() {
    MsClip model = model(SEPARATE.with(Sharing.msClip(0, 3), false, List.of(), "tok"));
    Map<String, Parameter> params = model.namedParameters();
    assertTrue(params.containsKey("shared.resblocks.1.attn.in_proj_weight"));
    assertTrue(params.containsKey("shared.resblocks.1.mlp.c_fc.weight"));
    assertTrue(params.containsKey("visual.transformer.resblocks.1.ln_1.weight"));
    assertTrue(params.containsKey("transformer.resblocks.1.ln_2.bias"));
    assertFalse(params.keySet().stream().anyMatch(k -> k.matches("(visual\\.)?transformer\\.resblocks\\.\\d\\.(attn|mlp)\\..*")));
    List<AttentionSite> img = model.attentionSites(Modality.IMAGE);
    List<AttentionSite> txt = model.attentionSites(Modality.TEXT);
    for (int i = 0; i < 3; i++) {
      assertSame(img.get(i).attention(), txt.get(i).attention());
      assertTrue(img.get(i).shared());
    }
    MsClip separate = model(SEPARATE);
    assertNotSame(separate.attentionSites(Modality.IMAGE).get(0).attention(), separate.attentionSites(Modality.TEXT).get(0).attention());
  }

  @Test
  void aSharedWeightMovesBothModalitiesAnOwnNormOnlyItsOwn() {
    MsClip model = model(SEPARATE.with(Sharing.msClip(0, 3), false, List.of(), "tok"));
    try (NoGrad ng = NoGrad.open()) {
      float[] img = model.encodeImage(images, true).toFloatArray();
      float[] txt = model.encodeText(ids, true).toFloatArray();
      bump(model.namedParameters().get("visual.transformer.resblocks.1.ln_2.weight"));
      assertFalse(java.util.Arrays.equals(img, model.encodeImage(images, true).toFloatArray()));
      assertArrayEquals(txt, model.encodeText(ids, true).toFloatArray(), 0f);
      img = model.encodeImage(images, true).toFloatArray();
      bump(model.namedParameters().get("shared.resblocks.1.mlp.c_proj.weight"));
      assertFalse(java.util.Arrays.equals(img, model.encodeImage(images, true).toFloatArray()));
      assertFalse(java.util.Arrays.equals(txt, model.encodeText(ids, true).toFloatArray()));
    }
  }

  private void bump(Parameter p) {
    p.set(p.value().add(0.5f));
  }

  @Test
  void earlySpecializationGivesImagesAConvStemAndTextItsOwnFirstBlock() {
    MsClipConfig c = SEPARATE.with(Sharing.msClip(1, 3), true, List.of(), "tok");
    MsClip model = model(c);
    Map<String, Parameter> params = model.namedParameters();
    assertTrue(params.containsKey("visual.stem.0.weight"));
    assertTrue(params.containsKey("visual.stem.2.weight"));                 // log2(4) = 2 stride-2 convs, then the 1×1
    assertFalse(params.containsKey("visual.conv1.weight"));
    assertTrue(params.containsKey("transformer.resblocks.0.attn.in_proj_weight"));
    assertFalse(params.keySet().stream().anyMatch(k -> k.startsWith("visual.transformer.resblocks.0.")));
    assertEquals(List.of(1, 2), model.attentionSites(Modality.IMAGE).stream().map(AttentionSite::layer).toList());
    assertEquals(List.of(0, 1, 2), model.attentionSites(Modality.TEXT).stream().map(AttentionSite::layer).toList());
    try (NoGrad ng = NoGrad.open()) {
      Map<String, NDArray> trace = new java.util.HashMap<>();
      var out = model.forward(images, ids, trace::put);
      assertEquals(new Shape(3, 16), out.imageFeatures().getShape());
      assertEquals(new Shape(3, 16, 4, 4), trace.get("vision.conv1_out").getShape());
      assertFalse(trace.containsKey("vision.attn_in.0"));
    }
  }

  @Test
  void aZeroedParallelBranchIsTheModelWithoutIt() {
    MsClipConfig plain = SEPARATE.with(Sharing.msClip(0, 3), false, List.of(), "tok");
    MsClipConfig branched = plain.with(plain.sharing(), false, List.of(0, 2), "tok");
    MsClip without = model(plain);
    MsClip with = model(branched);
    Map<String, NDArray> state = new java.util.LinkedHashMap<>(without.stateDict());
    List<String> branchKeys = with.namedParameters().keySet().stream().filter(k -> k.startsWith("visual.branch.")).toList();
    assertEquals(List.of("visual.branch.stages.0.weight", "visual.branch.stages.0.bias", "visual.branch.stages.1.weight",
        "visual.branch.stages.1.bias", "visual.branch.laterals.0.dw.weight", "visual.branch.laterals.0.pw.weight",
        "visual.branch.laterals.0.pw.bias", "visual.branch.laterals.1.dw.weight", "visual.branch.laterals.1.pw.weight",
        "visual.branch.laterals.1.pw.bias"), branchKeys);
    Map<String, Parameter> wp = with.namedParameters();
    for (String k : branchKeys) state.put(k, k.contains(".pw.") ? m.zeros(wp.get(k).shape()) : wp.get(k).value().duplicate());
    try (NoGrad ng = NoGrad.open()) {
      with.load(m, state);
      assertArrayEquals(without.encodeImage(images, true).toFloatArray(), with.encodeImage(images, true).toFloatArray(), 1e-6f);
      state.put("visual.branch.laterals.1.pw.bias", m.ones(new Shape(16)));
      with.load(m, state);
      assertFalse(java.util.Arrays.equals(without.encodeImage(images, true).toFloatArray(), with.encodeImage(images, true).toFloatArray()));
    }
  }

  @Test
  void everyParameterGetsAFiniteDifferenceCheckedGradient() {
    MsClipConfig c = SEPARATE.with(Sharing.msClip(1, 3), true, List.of(1, 2), "ggem");
    MsClip model = model(c);
    model.castTo(DataType.FLOAT64);
    NDArray img = images.toType(DataType.FLOAT64, false);
    NDArray r = m.randomNormal(new Shape(3, 16)).toType(DataType.FLOAT64, false);
    int checked = GradCheck.check(model, () -> {
      var out = model.forward(img, ids, dev.vlt.tensor.Trace.NONE);
      return out.logitsPerImage().sum().add(out.imageFeatures().mul(r).sum());
    }, 2);
    assertTrue(checked >= model.namedParameters().size(), "checked " + checked);
    for (var e : model.namedParameters().entrySet()) {
      double[] g = e.getValue().value().getGradient().toDoubleArray();
      assertTrue(java.util.Arrays.stream(g).anyMatch(v -> v != 0), e.getKey() + " gets no gradient");
    }
  }

  @Test
  void configRoundTripsAndRejectsImpossibleSpectra() throws Exception {
    ObjectMapper json = new ObjectMapper();
    MsClipConfig c = SEPARATE.with(Sharing.msClip(1, 3), true, List.of(1, 2), "gem");
    assertEquals(c, MsClipConfig.fromJson(c.toJson(json)));
    MsClipConfig defaults = MsClipConfig.fromJson(json.readTree(
        "{\"embed_dim\": 16, \"msclip_cfg\": {\"layers\": 3, \"early_specialization\": true}}"));
    assertEquals(List.of(1, 2), defaults.sharing().layers());
    assertTrue(defaults.sharing().attention() && defaults.sharing().mlp() && !defaults.sharing().norms());
    Map<String, String> bad = Map.of(
        "{\"embed_dim\": 16, \"msclip_cfg\": {\"layers\": 3, \"early_specialization\": true, \"shared_layers\": [0, 1]}}",
        "contains 0, but early_specialization",
        "{\"embed_dim\": 16, \"msclip_cfg\": {\"patch_size\": 4, \"image_size\": 16, \"parallel_layers\": [0, 1, 2]}}",
        "msclip_cfg.parallel_layers has 3 stages",
        "{\"embed_dim\": 16, \"msclip_cfg\": {\"shared_layers\": [2, 1]}}", "ascending",
        "{\"embed_dim\": 16, \"msclip_cfg\": {\"pool_type\": \"max\"}}", "msclip_cfg.pool_type",
        "{\"embed_dim\": 16, \"msclip_cfg\": {\"share_everything\": true}}", "model_cfg.msclip_cfg.share_everything is not a known field");
    for (var e : bad.entrySet()) {
      String msg = assertThrows(IllegalArgumentException.class, () -> MsClipConfig.fromJson(json.readTree(e.getKey()))).getMessage();
      assertTrue(msg.contains(e.getValue()), msg);
    }
    String uneven = assertThrows(IllegalArgumentException.class, () -> MsClipConfig.separateFrom(
        dev.vlt.models.Models.config("ViT-B-32", ClipConfig.class))).getMessage();
    assertTrue(uneven.contains("equal width"), uneven);
  }

  @Test
  void poolingIsTheConfiguredType() {
    for (String type : dev.vlt.nn.pool.Pooling.TYPES) {
      MsClip model = new MsClip(SEPARATE.with(Sharing.NONE, false, List.of(), type));
      String poolKeys = model.namedParameters().keySet().stream().filter(k -> k.startsWith("visual.pool."))
          .collect(Collectors.joining(","));
      assertEquals(type.equals("tok") || type.equals("avg"), poolKeys.isEmpty(), type + ": " + poolKeys);
    }
  }
}
