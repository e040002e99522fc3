package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.Batch;
import dev.vlt.data.Loader;
import dev.vlt.data.LoaderConfig;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.shapes.ShapesSource;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.flava.Flava;
import dev.vlt.models.flava.FlavaConfig;
import dev.vlt.objectives.ContrastiveLoss;
import dev.vlt.objectives.FlavaLoss;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** FLAVA's task: its masking and ITM draw, the terms of each stage, and both stages through the Trainer into one folder. */
@ExtendWith(OneThread.class)
class FlavaTaskTest {
  /** 32 px in 8-px patches (16; round(75/196 · 16) = 6 masked), width 32, one layer per encoder, 16 k-means tokens. */
  static FlavaConfig tiny(boolean kmeans, boolean answers) {
    ObjectNode c = new ObjectMapper().createObjectNode().put("image_size", 32).put("patch_size", 8);
    for (String p : List.of("image", "text", "multimodal")) {
      c.put(p + "_hidden_size", 32).put(p + "_num_attention_heads", 2).put(p + "_num_hidden_layers", 1)
          .put(p + "_intermediate_size", 64);
    }
    c.put("vocab_size", 1024).put("max_position_embeddings", 32).put("text_and_image_proj_size", 16).put("image_vocab_size", 16);
    if (kmeans) c.putObject("codebook").put("type", "kmeans");
    if (answers) ShapesWorld.answers().forEach(c.putArray("answers")::add);
    return FlavaConfig.fromJson(c);
  }

  private static ShapesSource source(int n) {
    return new ShapesSource(new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(32).withObjects(1, 2)), Split.TRAIN, n, 0);
  }

  @Test
  void masksAsFlavaDoesAndScoresEveryTermOnTheRightRows(@TempDir Path tmp) {
    FlavaConfig cfg = tiny(true, true);
    ShapesSource source = source(128);
    Tokenizer tok = RunTokenizer.loadOrTrain(tmp, source, ShapesWorld.answers(), cfg.tokenizerSpec());
    try (NDManager m = NDManager.newBaseManager()) {
      Flava model = cfg.create();
      model.initialize(m, 1);
      FlavaTask task = new FlavaTask(model, tok, FlavaTask.PRETRAINING, Map.of(), 7, ModelWriter.NONE);
      Loader loader = new Loader(source, new EvalTransform(PreprocessConfig.openai(32)), LoaderConfig.train(128, 0).withThreads(1),
          SkipReport.quiet(), tok::tokenize);
      try (Loader.Run run = loader.open(m); NoGrad ng = NoGrad.open()) {
        Batch batch = run.next();
        assertFalse(model.patchCodebook().fitted());
        FlavaTask.Inputs in = task.collate(batch, m);
        assertTrue(model.patchCodebook().fitted(), "the first batch fits the k-means codebook");

        // MIM: 6 of 16 patches per image, block-wise; the dense targets are the codebook's tokens there and IGNORE elsewhere
        NDArray mask = in.image().mask();
        assertEquals(new Shape(128, 16), mask.getShape());
        assertEquals(6f, mask.sum(new int[] {1}).min().getFloat());
        assertEquals(6f, mask.sum(new int[] {1}).max().getFloat());
        long[] mim = in.mimLabels().toLongArray();
        long[] tokens = model.patchCodebook().tokens(in.images()).toLongArray();
        float[] masked = mask.toFloatArray();
        for (int i = 0; i < mim.length; i++) assertEquals(masked[i] == 1 ? tokens[i] : Flava.IGNORE, mim[i], "patch " + i);

        // MLM: 15 % of the content tokens, targets the true ids at the masked positions
        long content = in.pair().captionAtts().sum().getLong() - 2L * 128;              // start and end never masked
        long[] mlm = in.mlmLabels().toLongArray();
        long targets = java.util.Arrays.stream(mlm).filter(v -> v != Flava.IGNORE).count();
        assertTrue(Math.abs(targets / (double) content - 0.15) < 0.04, targets + " of " + content + " tokens");
        long[] ids = in.pair().caption().toLongArray();
        for (int i = 0; i < mlm.length; i++) if (mlm[i] != Flava.IGNORE) assertEquals(ids[i], mlm[i]);

        // ITM: about half the pairs see another image of the batch; MMM's targets only on the pairs that match
        long[] match = in.pair().itmLabels().toLongArray();
        long[] shown = in.pair().itmImages().toLongArray();
        long negatives = java.util.Arrays.stream(match).filter(v -> v == 0).count();
        assertTrue(negatives > 40 && negatives < 88, negatives + " negatives of 128");
        long[] mmmText = in.mmmTextLabels().toLongArray();
        long[] mmmImage = in.mmmImageLabels().toLongArray();
        int l = (int) in.pair().caption().getShape().get(1);
        for (int b = 0; b < 128; b++) {
          assertEquals(match[b] == 1, shown[b] == b, "pair " + b + " is shown its own image exactly when it matches");
          for (int t = 0; t < l; t++) assertEquals(match[b] == 1 ? mlm[b * l + t] : Flava.IGNORE, mmmText[b * l + t]);
          for (int p = 0; p < 16; p++) assertEquals(match[b] == 1 ? mim[b * 16 + p] : Flava.IGNORE, mmmImage[b * 16 + p]);
        }

        // the same batch collates to the same draws (seeded by the run's seed, the loader's position and the sample ids)
        FlavaTask.Inputs again = task.collate(batch, m);
        assertArrayEquals(masked, again.image().mask().toFloatArray());
        assertArrayEquals(mlm, again.mlmLabels().toLongArray());
        assertArrayEquals(match, again.pair().itmLabels().toLongArray());

        FlavaTask.Outputs out = task.forward(in);
        Map<String, Double> terms = task.loss(out).values();
        assertEquals(List.of("mim_loss", "mlm_loss", "mmm_image_loss", "mmm_text_loss", "itm_loss", "itc_loss"),
            List.copyOf(terms.keySet()));
        for (double v : terms.values()) assertTrue(Double.isFinite(v) && v > 0, terms.toString());
        assertEquals(new Shape(128 * 6, 16), out.mim().logits().getShape(), "one prediction over the 16 tokens per masked patch");
        long positives = 128 - negatives;
        assertEquals(positives * 6, out.mmmImage().labels().size(), "MMM image: the masked patches of matching pairs only");
        assertEquals(LongStream.of(mmmText).filter(v -> v != Flava.IGNORE).count(), out.mmmText().labels().size());
        assertEquals(new Shape(128, 2), out.itmLogits().getShape());
        // over a batch of matching pairs FLAVA's global contrastive loss is CLIP's symmetric InfoNCE
        NDArray clip = ContrastiveLoss.compute(Ops.l2Normalize(out.imageProjection()), Ops.l2Normalize(out.textProjection()),
            out.logitScale().exp()).total();
        assertEquals(clip.getFloat(), terms.get("itc_loss"), 1e-5);
        // an empty set of targets adds nothing instead of NaN
        var none = new dev.vlt.models.flava.MaskedLogits(out.mim().logits().get("0:0"), out.mim().labels().get("0:0"));
        assertEquals(0f, FlavaLoss.masked(none).getFloat());

        FlavaTask multi = new FlavaTask(model, tok, FlavaTask.MULTITASK, Map.of(), 7, ModelWriter.NONE);
        FlavaTask.Inputs mi = multi.collate(batch, m);
        assertNull(mi.image(), "no masking in fine-tuning");
        assertEquals(List.of("itm_loss", "itc_loss", "vqa_loss"), List.copyOf(multi.loss(multi.forward(mi)).values().keySet()));
        assertTrue(multi.couplesBatch() && task.couplesBatch(), "ITC scores each pair against the batch");
        FlavaTask maskedOnly = new FlavaTask(model, tok, FlavaTask.PRETRAINING, Map.of("itc", 0.0), 7, ModelWriter.NONE);
        assertFalse(maskedOnly.couplesBatch());
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new FlavaTask(model, tok, FlavaTask.PRETRAINING, Map.of("mrm", 1.0), 7, ModelWriter.NONE));
      assertTrue(e.getMessage().contains("FLAVA's terms"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> new FlavaTask(model, tok, FlavaTask.MULTITASK,
          Map.of("itc", 0.0, "itm", 0.0, "vqa", 0.0), 7, ModelWriter.NONE));
      assertTrue(e.getMessage().contains("every FLAVA term is 0"), e.getMessage());
      Flava noAnswers = tiny(true, false).create();
      e = assertThrows(IllegalArgumentException.class,
          () -> new FlavaTask(noAnswers, tok, FlavaTask.MULTITASK, Map.of(), 7, ModelWriter.NONE));
      assertTrue(e.getMessage().contains("VQA head"), e.getMessage());
      Flava noCodebook = tiny(false, true).create();
      e = assertThrows(IllegalArgumentException.class,
          () -> new FlavaTask(noCodebook, tok, FlavaTask.PRETRAINING, Map.of(), 7, ModelWriter.NONE));
      assertTrue(e.getMessage().contains("no k-means codebook"), e.getMessage());
    }
  }

  @Test
  void pretrainsThenFineTunesThroughTheTrainerIntoOneFolderThatEmbedsMatchesAndAnswers(@TempDir Path tmp) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode file = json.createObjectNode().put("arch", FlavaConfig.ARCH);
    file.set("model_cfg", tiny(true, true).toJson(json));
    Path config = tmp.resolve("flava-tiny.json");
    Files.writeString(config, file.toString());
    TrainConfig pre = Tiny.config("{'model': '" + config + "', 'task': 'flava', 'batch_size': 16, 'steps': 8, 'lr': 0.002, "
        + "'warmup': 0, 'train_num_samples': 64, 'shapes_objects': 2, 'zeroshot_frequency': 0, 'workers': 1}");
    try (TrainRun run = TrainRun.create(tmp.resolve("pre"), pre)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    List<JsonNode> lines = new MetricsLog(tmp.resolve("pre").resolve(TrainRun.METRICS)).read();
    JsonNode first = lines.get(0);
    JsonNode last = lines.get(lines.size() - 1);
    for (String t : List.of("mim_loss", "mlm_loss", "mmm_image_loss", "mmm_text_loss", "itm_loss", "itc_loss")) {
      assertTrue(Double.isFinite(last.get(t).asDouble()) && last.get(t).asDouble() > 0, last.toString());
    }
    for (String t : List.of("mim_loss", "mlm_loss")) {
      assertTrue(last.get(t).asDouble() < first.get(t).asDouble(), t + " falls over 8 steps: " + first + " → " + last);
    }
    assertFalse(last.has("vqa_loss"), last.toString());

    Path pretrained = tmp.resolve("pre").resolve(TrainRun.MODEL);
    float[] codebook;
    try (LoadedModel m = Models.load(pretrained)) {
      Flava f = m.as(Flava.class);
      assertTrue(f.patchCodebook().fitted(), "the fitted codebook is saved with the weights");
      codebook = f.namedBuffers().get("image_codebook.codebook").value().toFloatArray();
      Models.save(m, tmp.resolve("copy"));                                            // save → load keeps every tensor
      try (LoadedModel copy = Models.load(tmp.resolve("copy"))) {
        Map<String, NDArray> a = m.module().stateDict();
        Map<String, NDArray> b = copy.module().stateDict();
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.containsKey("image_codebook.codebook") && a.containsKey("vqa_classifier.3.weight"), a.keySet().toString());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), k);
      }
    }
    TrainConfig ft = Tiny.config("{'pretrained': '" + pretrained + "', 'task': 'flava-multitask', 'batch_size': 8, 'steps': 2, "
        + "'train_num_samples': 16, 'shapes_objects': 2, 'zeroshot_frequency': 0, 'workers': 1}");
    try (TrainRun run = TrainRun.create(tmp.resolve("ft"), ft)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    lines = new MetricsLog(tmp.resolve("ft").resolve(TrainRun.METRICS)).read();
    last = lines.get(lines.size() - 1);
    for (String t : List.of("itm_loss", "itc_loss", "vqa_loss")) assertTrue(last.get(t).asDouble() > 0, last.toString());
    assertFalse(last.has("mim_loss"), last.toString());
    try (LoadedModel m = Models.load(tmp.resolve("ft").resolve(TrainRun.MODEL)); NoGrad ng = NoGrad.open()) {
      assertEquals(List.of(Capability.IMAGE_EMBEDDING, Capability.TEXT_EMBEDDING, Capability.IMAGE_TEXT_SIMILARITY,
          Capability.IMAGE_TEXT_MATCHING, Capability.QUESTION_ANSWERING), m.capabilities());
      assertArrayEquals(codebook, m.as(Flava.class).namedBuffers().get("image_codebook.codebook").value().toFloatArray(),
          "fine-tuning keeps the visual tokenizer it was pretrained against");
      NDArray images = m.manager().randomNormal(new Shape(2, 3, 32, 32));
      NDArray ids = m.manager().create(m.tokenizer().tokenize(List.of("how many shapes are there?", "what color is the circle?")));
      NDArray atts = ids.neq(0).toType(ids.getDataType(), false);
      assertEquals(new Shape(2, 16), m.require(Capability.IMAGE_EMBEDDING).encodeImage(images, true).getShape());
      assertEquals(new Shape(2, 16), m.require(Capability.TEXT_EMBEDDING).encodeText(ids, true).getShape());
      float[] p = m.require(Capability.IMAGE_TEXT_MATCHING).matchProbability(images, ids, atts).toFloatArray();
      assertEquals(2, p.length);
      for (float v : p) assertTrue(v >= 0 && v <= 1, "P(match) " + v);
      // padding beyond the longest text changes nothing: the pair pass trims it (the multimodal encoder has no mask)
      NDArray trimmed = ids.get(":, :" + (atts.sum(new int[] {1}).max().getLong()));
      assertArrayEquals(p, m.require(Capability.IMAGE_TEXT_MATCHING).matchProbability(images, trimmed, atts).toFloatArray(), 1e-6f);
      var answers = m.require(Capability.QUESTION_ANSWERING).answer(images, ids, atts, null);
      assertEquals(2, answers.size());
      for (var a : answers) assertTrue(ShapesWorld.answers().contains(a.text()), a.toString());
    }
  }
}
