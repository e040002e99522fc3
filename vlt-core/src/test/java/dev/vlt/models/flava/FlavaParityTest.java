package dev.vlt.models.flava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.objectives.FlavaLoss;
import dev.vlt.tensor.NoGrad;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * torchmultimodal's FLAVAForPreTraining on flava_tiny (fixtures README): the codebook's logits and labels; every
 * encoder's hidden states, last hidden state and pooler output, unmasked and masked, for image, text and the multimodal
 * encoder; the projections; and the three batch types' heads and losses (MLM; MIM; ITM, MMM text and image and the global
 * contrastive loss on the matching pairs). Attention probabilities ({@code *.attentions.*}) are not compared: vlt's
 * attention does not expose them, and every layer output they feed is compared.
 */
class FlavaParityTest {
  static final Path DIR = Fixtures.fixture("flava_tiny");

  /** The fixture's builder keywords as one vlt config: flava_model kwargs, the heads' image vocabulary, the codebook. */
  static FlavaConfig config() throws Exception {
    JsonNode json = new ObjectMapper().readTree(DIR.resolve("config.json").toFile());
    ObjectNode cfg = ((ObjectNode) json.get("flava_model_kwargs")).deepCopy();
    JsonNode loss = json.get("loss_kwargs");
    assertEquals(cfg.get("multimodal_hidden_size").asInt(), loss.get("hidden_size").asInt());
    assertEquals(cfg.get("vocab_size").asInt(), loss.get("text_vocab_size").asInt());
    cfg.put("image_vocab_size", loss.get("image_vocab_size").asInt());
    cfg.set("codebook", json.get("codebook_kwargs"));
    return FlavaConfig.fromJson(cfg);
  }

  @Test
  void matchesTorchmultimodal() throws Exception {
    FlavaConfig cfg = config();
    JsonNode json = new ObjectMapper().readTree(DIR.resolve("config.json").toFile());
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Map<String, NDArray> weights = new HashMap<>(Parity.load(m, DIR.resolve("weights.safetensors")));
      // torchmultimodal ties cls.decoder.bias to cls.bias: the state dict holds one value under both names
      json.get("tied_state_dict_keys").fields().forEachRemaining(e -> {
        NDArray dup = weights.remove(e.getKey());
        assertEquals(0.0, Parity.maxAbsDiff(weights.get(e.getValue().asText()), dup), e.getKey());
      });
      Flava model = new Flava(cfg);
      assertEquals(new java.util.TreeSet<>(weights.keySet()), new java.util.TreeSet<>(model.namedParameters().keySet()));
      model.load(m, weights);
      assertEquals(json.get("num_parameters").asLong(), model.parameterCount());
      model.train(false);

      Map<String, NDArray> in = Parity.load(m, DIR.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = new TreeMap<>(Parity.load(m, DIR.resolve("outputs.safetensors")));
      int attentions = expected.size();
      expected.keySet().removeIf(k -> k.contains(".attentions."));
      attentions -= expected.size();
      Map<String, NDArray> got = new HashMap<>();

      NDArray patchMask = in.get("image_patches_mask");
      got.put("codebook.logits", model.codebookLogits(in.get("image_for_codebook")));
      NDArray labels = model.codebookLabels(in.get("image_for_codebook"));
      got.put("codebook.labels", labels);
      NDArray mimLabels = labels.mul(patchMask).add(patchMask.sub(1));                        // −1 where not masked
      got.put("codebook.mim_labels", mimLabels);

      FlavaOutput image = model.image(in.get("image"), null);
      FlavaOutput imageMasked = model.image(in.get("image"), patchMask);
      FlavaOutput text = model.text(in.get("text"));
      FlavaOutput textMasked = model.text(in.get("text_masked"));
      FlavaOutput mm = model.multimodal(image, text);
      FlavaOutput mmMasked = model.multimodal(imageMasked, textMasked);
      put(got, "model.image", image);
      put(got, "model.image_masked", imageMasked);
      put(got, "model.text", text);
      put(got, "model.text_masked", textMasked);
      put(got, "model.multimodal", mm);
      put(got, "model.multimodal_masked", mmMasked);
      NDArray projImage = model.projectImage(image);
      NDArray projText = model.projectText(text);
      got.put("model.projected_image_embeddings", projImage);
      got.put("model.projected_text_embeddings", projText);

      NDArray mlmLabels = in.get("mlm_labels");
      MaskedLogits mlm = model.mlm(textMasked, mlmLabels);
      NDArray mlmLoss = FlavaLoss.masked(mlm);
      got.put("pretrain_text.mlm_output.logits", mlm.logits());
      got.put("pretrain_text.mlm_output.loss", mlmLoss);
      got.put("pretrain_text.losses.mlm_loss", mlmLoss);

      MaskedLogits mim = model.mim(imageMasked, mimLabels);
      NDArray mimLoss = FlavaLoss.masked(mim);
      got.put("pretrain_image.mim_output.logits", mim.logits());
      got.put("pretrain_image.mim_output.loss", mimLoss);
      got.put("pretrain_image.losses.mim_loss", mimLoss);

      NDArray itmLabels = in.get("itm_labels");
      NDArray itmLogits = model.itm(mmMasked);
      NDArray itmLoss = FlavaLoss.itm(itmLogits, itmLabels);
      got.put("pretrain_mm.itm_output.logits", itmLogits);
      got.put("pretrain_mm.itm_output.loss", itmLoss);
      got.put("pretrain_mm.losses.itm_loss", itmLoss);
      List<Long> pos = new ArrayList<>();
      long[] itm = itmLabels.toLongArray();
      for (int i = 0; i < itm.length; i++) if (itm[i] != 0) pos.add((long) i);
      long[] positives = pos.stream().mapToLong(Long::longValue).toArray();
      NDArray rows = m.create(positives);
      NDArray mmPos = mmMasked.lastHiddenState().get(new NDIndex("{}", rows));
      MaskedLogits mmmText = model.mmmText(mmPos, mlmLabels.get(new NDIndex("{}", rows)));
      MaskedLogits mmmImage = model.mmmImage(mmPos, mimLabels.get(new NDIndex("{}", rows)));
      NDArray mmmTextLoss = FlavaLoss.masked(mmmText);
      NDArray mmmImageLoss = FlavaLoss.masked(mmmImage);
      got.put("pretrain_mm.mmm_text_output.logits", mmmText.logits());
      got.put("pretrain_mm.mmm_text_output.loss", mmmTextLoss);
      got.put("pretrain_mm.losses.mmm_text_loss", mmmTextLoss);
      got.put("pretrain_mm.mmm_image_output.logits", mmmImage.logits());
      got.put("pretrain_mm.mmm_image_output.loss", mmmImageLoss);
      got.put("pretrain_mm.losses.mmm_image_loss", mmmImageLoss);
      FlavaLoss.Contrastive c = FlavaLoss.contrastive(projImage, projText, model.logitScale().value(), positives);
      String g = "pretrain_mm.global_contrastive_output.";
      got.put(g + "image_embedding", c.imageEmbedding());
      got.put(g + "text_embedding", c.textEmbedding());
      got.put(g + "logit_scale", model.logitScale().value());
      got.put(g + "image_logits", c.imageLogits());
      got.put(g + "text_logits", c.textLogits());
      got.put(g + "image_loss", c.imageLoss());
      got.put(g + "text_loss", c.textLoss());
      got.put(g + "loss", c.loss());
      got.put("pretrain_mm.losses.global_contrastive_loss", c.loss());

      // fixtures README: |Δ| ≤ 1e-5·max(1, maxabs) per tensor, 1e-5 relative on losses, integer outputs exactly
      Map<String, Double> errors = Parity.assertAllClose(expected, got, 1e-5);
      assertEquals(71 - attentions, errors.size());
      assertEquals(12, attentions);
      assertTrue(labels.toType(DataType.INT64, false).toLongArray().length == 64);
      Map<String, Double> worst = new TreeMap<>();
      errors.forEach((name, err) -> worst.merge(name.substring(0, name.indexOf('.', name.indexOf('.') + 1) < 0
          ? name.length() : name.indexOf('.', name.indexOf('.') + 1)), err, Math::max));
      System.out.println("flava parity, worst error per group: " + worst);
    }
  }

  private static void put(Map<String, NDArray> got, String prefix, FlavaOutput o) {
    got.put(prefix + ".last_hidden_state", o.lastHiddenState());
    got.put(prefix + ".pooler_output", o.poolerOutput());
    for (int i = 0; i < o.hiddenStates().size(); i++) got.put(prefix + ".hidden_states." + i, o.hiddenStates().get(i));
  }
}
