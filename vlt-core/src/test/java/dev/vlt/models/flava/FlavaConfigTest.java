package dev.vlt.models.flava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.Models;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FLAVA's config: both codebook kinds and the training fields read back, errors name the field, a model without a VQA head says so. */
class FlavaConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theBundledConfigAndTheParityFixturesRoundTripWithTheirCodebooks() throws Exception {
    FlavaConfig small = Models.config("flava-shapes-small", FlavaConfig.class);
    assertInstanceOf(FlavaConfig.KMeansCodebook.class, small.codebook());
    assertTrue(small.answersQuestions());
    assertEquals(small.vocabSize() - 1, small.maskTokenId());
    assertEquals(small.maskTokenId(), small.tokenizerSpec().vocabSize(), "a trained tokenizer keeps below [MASK]");
    assertEquals(small, FlavaConfig.fromJson(small.toJson(JSON)));
    FlavaConfig parity = FlavaParityTest.config();
    assertInstanceOf(FlavaConfig.CodebookConfig.class, parity.codebook());
    assertEquals(parity, FlavaConfig.fromJson(parity.toJson(JSON)));
    assertTrue(!parity.toJson(JSON).get("codebook").has("type"), "the DALL-E codebook keeps DalleEncoder's keywords only");
    try (NDManager m = NDManager.newBaseManager()) {
      Flava model = small.create();
      model.initialize(m, 0);
      assertEquals(new Shape(128, 8 * 8 * 3), model.namedBuffers().get("image_codebook.codebook").value().getShape(),
          "one centroid of 8×8 RGB pixels per visual token");
      assertTrue(model.namedParameters().keySet().stream().noneMatch(k -> k.startsWith("image_codebook.")), "a buffer, not trained");
    }
  }

  @Test
  void errorsNameTheField() {
    ObjectNode bad = Models.config("flava-shapes-small").toJson(JSON);
    ((ObjectNode) bad.get("codebook")).put("type", "vqgan");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FlavaConfig.fromJson(bad));
    assertTrue(e.getMessage().contains("codebook.type") && e.getMessage().contains("kmeans"), e.getMessage());
    ObjectNode mask = Models.config("flava-shapes-small").toJson(JSON).put("mask_token_id", 0);
    e = assertThrows(IllegalArgumentException.class, () -> FlavaConfig.fromJson(mask));
    assertTrue(e.getMessage().contains("mask_token_id"), e.getMessage());
  }

  @Test
  void aModelWithoutAnswersRefusesToAnswerInOneLine() throws Exception {
    FlavaConfig parity = FlavaParityTest.config();
    try (NDManager m = NDManager.newBaseManager()) {
      Flava model = parity.create();
      model.initialize(m, 0);
      var images = m.randomNormal(new Shape(1, 3, parity.imageSize(), parity.imageSize()));
      var ids = m.create(new long[][] {{101, 2054, 102}});
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.answer(images, ids, ids, null));
      assertTrue(e.getMessage().contains("no VQA head") && !e.getMessage().contains("\n"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, model::patchCodebook);
      assertTrue(e.getMessage().contains("DALL-E"), e.getMessage());
      assertEquals(List.of(), parity.answers());
    }
  }
}
