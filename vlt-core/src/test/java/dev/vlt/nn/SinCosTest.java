package dev.vlt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fixed position tables against the references' own (numpy float64, cast to float32): expected bit-exact. */
class SinCosTest {
  @Test
  void maeTablesMatchTheReference() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> ref = Parity.load(m, Fixtures.fixture("mae_tiny", "sincos_reference.safetensors"));
      assertArrayEquals(ref.get("pos_embed_sincos").toFloatArray(), SinCos.grid2d(64, 4, true), 1e-7f);
      assertArrayEquals(ref.get("decoder_pos_embed_sincos").toFloatArray(), SinCos.grid2d(32, 4, true), 1e-7f);
      assertEquals(0.0, Parity.maxAbsDiff(ref.get("pos_embed_sincos"), m.create(SinCos.grid2d(64, 4, true), new Shape(1, 17, 64))),
          "bit-exact");
    }
  }

  @Test
  void videoMaeTablesMatchTheReference() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> ref = Parity.load(m, Fixtures.fixture("videomae_tiny", "outputs.safetensors"));
      assertArrayEquals(ref.get("encoder.pos_embed_table").toFloatArray(), SinCos.sinusoid(128, 64), 0f);
      assertArrayEquals(ref.get("decoder.pos_embed_table").toFloatArray(), SinCos.sinusoid(128, 32), 0f);
    }
  }

  @Test
  void layoutFacts() {
    // MAE: the first half encodes the column; a zero cls row. Token (row 1, col 2) of a 4-grid is row 1 + 6.
    float[] t = SinCos.grid2d(8, 4, true);
    for (int j = 0; j < 8; j++) assertEquals(0f, t[j]);
    int row = (1 + 6) * 8;
    assertEquals((float) Math.sin(2.0), t[row], 1e-7f);       // sin(col·ω0), ω0 = 1
    assertEquals((float) Math.cos(2.0), t[row + 2], 1e-7f);
    assertEquals((float) Math.sin(1.0), t[row + 4], 1e-7f);   // sin(row·ω0)
    // VideoMAE: interleaved sin/cos over the flat index
    float[] s = SinCos.sinusoid(10, 4);
    assertEquals((float) Math.sin(7.0), s[7 * 4], 1e-7f);
    assertEquals((float) Math.cos(7.0), s[7 * 4 + 1], 1e-7f);
    assertEquals((float) Math.sin(7.0 / 100), s[7 * 4 + 2], 1e-7f);   // 10000^(2/4) = 100
  }
}
