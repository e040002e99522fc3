package dev.vlt.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.Models;
import dev.vlt.models.meter.Fusion;
import dev.vlt.models.meter.Meter;
import dev.vlt.models.meter.MeterConfig;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The inter-modality flow on METER's three fusion kinds: ranges, what is defined where, and two cases with known answers. */
class InterModalityFlowTest {
  static final MeterConfig TINY = Models.config("meter-tiny", MeterConfig.class);

  private static Meter meter(NDManager m, Fusion.Kind kind) {
    Meter meter = TINY.withFusion(kind).create();
    meter.initialize(m, 4);
    return meter;
  }

  private static List<InterModalityFlow.Layer> flow(NDManager m, Meter meter) {
    NDArray ids = m.create(new long[] {1, 7, 8, 9, 2, 1, 10, 11, 2, 0}, new Shape(2, 5));
    NDArray images = m.randomNormal(new Shape(2, 3, 32, 32));
    return InterModalityFlow.measure(meter, images, ids, ids.neq(0).toType(DataType.INT64, false));
  }

  @Test
  void everyKindGetsOneRowPerLayerWithItsDefinedFigures() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (Fusion.Kind kind : Fusion.Kind.values()) {
        List<InterModalityFlow.Layer> layers = flow(m, meter(m, kind));
        assertEquals(TINY.fusionCfg().layers(), layers.size(), kind.word());
        InterModalityFlow.Layer l = layers.get(0);
        assertTrue(l.share() > 0 && l.share() < 1 && l.shareText() > 0 && l.shareText() < 1, kind.word() + ": " + l);
        switch (kind) {
          case MERGED -> assertTrue(l.imf() > 0 && l.imf() < 1 && l.imfUniform() > 0 && l.imfUniform() < 1 && l.shareImage() > 0, l.toString());
          case CO_ATTENTION -> assertTrue(Double.isNaN(l.imf()) && l.shareImage() > 0 && l.shareImage() < 1, l.toString());
          case CROSS_ATTENTION -> assertTrue(Double.isNaN(l.imf()) && Double.isNaN(l.shareImage()), "the image is never updated: " + l);
        }
      }
    }
  }

  /** With zero query and key projections every score ties, attention is uniform, and IMF equals its uniform reference. */
  @Test
  void uniformAttentionHasTheUniformImf() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Meter meter = meter(m, Fusion.Kind.MERGED);
      for (Map.Entry<String, Parameter> e : meter.namedParameters().entrySet()) {
        String k = e.getKey();
        if (k.startsWith("cross_modal_layers.") && (k.contains(".attention.query.") || k.contains(".attention.key."))) {
          e.getValue().value().muli(0);
        }
      }
      for (InterModalityFlow.Layer l : flow(m, meter)) assertEquals(l.imfUniform(), l.imf(), 1e-6, l.toString());
    }
  }

  /** With the cross-attention's value projection zeroed, nothing comes from the other stream: the share is 0. */
  @Test
  void aSilencedCrossAttentionSharesNothing() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Meter meter = meter(m, Fusion.Kind.CO_ATTENTION);
      for (Map.Entry<String, Parameter> e : meter.namedParameters().entrySet()) {
        if (e.getKey().startsWith("cross_modal_text_layers.") && e.getKey().contains(".cross_attention.value.")) {
          e.getValue().value().muli(0);
        }
      }
      InterModalityFlow.Layer l = flow(m, meter).get(0);
      assertEquals(0.0, l.shareText(), 1e-9, l.toString());
      assertTrue(l.shareImage() > 0, "the image stream still reads the text: " + l);
    }
  }
}
