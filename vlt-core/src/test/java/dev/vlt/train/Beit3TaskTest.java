package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.vlt.models.beit3.Beit3;
import dev.vlt.models.beit3.Beit3Config;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** BEiT-3's task: the three masking ratios, the terms of each stage, and both stages through the Trainer. */
@ExtendWith(OneThread.class)
class Beit3TaskTest {
  /** 32 px in 8-px patches (16; 6 masked at 40 %), width 32, 2 layers, the top one with a VL expert; ShapesWorld's answers. */
  static final Beit3Config TINY = new Beit3Config(32, 8, 32, 2, 2, 2.0, 1, 1024, 32, 0, 16, 16, ShapesWorld.answers(), 1023);

  private static ShapesSource source(int n) {
    return new ShapesSource(new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(32).withObjects(1, 2)), Split.TRAIN, n, 0);
  }

  @Test
  void masksTextAloneAtFifteenPercentTextInPairsAtFiftyAndPatchesBlockwiseAtForty(@TempDir Path tmp) {
    ShapesSource source = source(128);
    Tokenizer tok = RunTokenizer.loadOrTrain(tmp, source, ShapesWorld.answers(), TINY.tokenizerSpec());
    try (NDManager m = NDManager.newBaseManager()) {
      Beit3 model = TINY.create();
      model.initialize(m, 1);
      Beit3Task task = new Beit3Task(model, tok, Beit3Task.PRETRAINING, Map.of(), 7, ModelWriter.NONE);
      Loader loader = new Loader(source, new EvalTransform(PreprocessConfig.openai(32)), LoaderConfig.train(128, 0).withThreads(1),
          SkipReport.quiet(), tok::tokenize);
      try (Loader.Run run = loader.open(m); NoGrad ng = NoGrad.open()) {
        Batch batch = run.next();
        assertFalse(model.visualTokenizer().fitted());
        Beit3Task.Inputs in = task.collate(batch, m);
        assertTrue(model.visualTokenizer().fitted(), "the first batch fits the visual tokenizer");
        long content = in.captionAtts().sum().getLong() - 2L * 128;                       // start and end tokens never masked
        double text = in.text().rows().size() / (double) content;
        double pair = in.pairText().rows().size() / (double) content;
        assertTrue(Math.abs(text - 0.15) < 0.04, "text alone: " + text + " of " + content + " tokens");
        assertTrue(Math.abs(pair - 0.5) < 0.05, "text in pairs: " + pair);
        for (MaskedImage image : List.of(in.image(), in.pairImage())) {
          assertEquals(new Shape(128, 16), image.mask().getShape());
          NDArray perImage = image.mask().sum(new int[] {1});
          assertEquals(6f, perImage.min().getFloat(), "round(0.4 · 16) patches in every image");
          assertEquals(6f, perImage.max().getFloat());
          assertEquals(128 * 6, image.rows().size());
          NDArray tokens = model.visualTokenizer().tokens(in.images()).reshape(-1);
          assertEquals(0L, image.labels().sub(tokens.get(image.rows())).abs().sum().getLong(), "targets: the masked patches' tokens");
        }
        assertTrue(in.image().mask().sub(in.pairImage().mask()).abs().sum().getFloat() > 0, "two independent block draws");
        assertEquals(null, in.questions(), "no questions in masked data modeling");
        Beit3Task.Outputs out = task.forward(in);
        assertEquals(List.of("mim_loss", "mlm_loss", "pair_mlm_loss", "pair_mim_loss"), List.copyOf(task.loss(out).values().keySet()));
        assertEquals(new Shape(128 * 6, 16), out.mimLogits().getShape(), "one prediction over the 16 visual tokens per masked patch");
        for (double v : task.loss(out).values().values()) assertTrue(Double.isFinite(v) && v > 0);

        Beit3Task multi = new Beit3Task(model, tok, Beit3Task.MULTITASK, Map.of(), 7, ModelWriter.NONE);
        Beit3Task.Inputs mi = multi.collate(batch, m);
        assertEquals(null, mi.image(), "no masking in fine-tuning");
        assertEquals(List.of("itc_loss", "vqa_loss"), List.copyOf(multi.loss(multi.forward(mi)).values().keySet()));
        assertTrue(multi.couplesBatch() && !task.couplesBatch(), "ITC scores each pair against the batch");
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Beit3Task(model, tok, Beit3Task.PRETRAINING, Map.of("wpa", 1.0), 7, ModelWriter.NONE));
      assertTrue(e.getMessage().contains("BEiT-3's terms"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> new Beit3Task(model, tok, Beit3Task.MULTITASK,
          Map.of("itc", 0.0, "vqa", 0.0), 7, ModelWriter.NONE));
      assertTrue(e.getMessage().contains("every BEiT-3 term is 0"), e.getMessage());
    }
  }

  @Test
  void pretrainsThenFineTunesThroughTheTrainerIntoOneFolderThatEmbedsAndAnswers(@TempDir Path tmp) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode file = json.createObjectNode().put("arch", Beit3Config.ARCH);
    file.set("model_cfg", TINY.toJson(json));
    Path config = tmp.resolve("beit3-tiny.json");
    Files.writeString(config, file.toString());
    TrainConfig mdm = Tiny.config("{'model': '" + config + "', 'task': 'beit3', 'batch_size': 8, 'steps': 2, "
        + "'train_num_samples': 16, 'shapes_objects': 2, 'zeroshot_frequency': 0, 'workers': 1}");
    try (TrainRun run = TrainRun.create(tmp.resolve("mdm"), mdm)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    JsonNode last = last(tmp.resolve("mdm"));
    for (String t : List.of("mim_loss", "mlm_loss", "pair_mlm_loss", "pair_mim_loss")) assertTrue(last.get(t).asDouble() > 0, last.toString());
    assertFalse(last.has("itc_loss"), last.toString());
    float[] codebook;
    try (LoadedModel m = Models.load(tmp.resolve("mdm").resolve(TrainRun.MODEL))) {
      Beit3 b = m.as(Beit3.class);
      assertTrue(b.visualTokenizer().fitted(), "the fitted codebook is saved with the weights");
      codebook = b.namedBuffers().get("visual_tokenizer.codebook").value().toFloatArray();
    }
    TrainConfig ft = Tiny.config("{'pretrained': '" + tmp.resolve("mdm").resolve(TrainRun.MODEL) + "', 'task': 'beit3-multitask', "
        + "'batch_size': 8, 'steps': 2, 'train_num_samples': 16, 'shapes_objects': 2, 'zeroshot_frequency': 0, 'workers': 1}");
    try (TrainRun run = TrainRun.create(tmp.resolve("ft"), ft)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    last = last(tmp.resolve("ft"));
    assertTrue(last.get("itc_loss").asDouble() > 0 && last.get("vqa_loss").asDouble() > 0, last.toString());
    assertFalse(last.has("mim_loss"), last.toString());
    try (LoadedModel m = Models.load(tmp.resolve("ft").resolve(TrainRun.MODEL)); NoGrad ng = NoGrad.open()) {
      assertEquals(List.of(Capability.IMAGE_EMBEDDING, Capability.TEXT_EMBEDDING, Capability.IMAGE_TEXT_SIMILARITY,
          Capability.QUESTION_ANSWERING), m.capabilities());
      assertArrayEquals(codebook, m.as(Beit3.class).namedBuffers().get("visual_tokenizer.codebook").value().toFloatArray(),
          "fine-tuning keeps the visual tokenizer it was pretrained against");
      NDArray images = m.manager().randomNormal(new Shape(2, 3, 32, 32));
      NDArray ids = m.manager().create(m.tokenizer().tokenize(List.of("how many shapes are there?", "what color is the circle?")));
      assertEquals(new Shape(2, 16), m.require(Capability.IMAGE_EMBEDDING).encodeImage(images, true).getShape());
      assertEquals(new Shape(2, 16), m.require(Capability.TEXT_EMBEDDING).encodeText(ids, true).getShape());
      var answers = m.require(Capability.QUESTION_ANSWERING).answer(images, ids, ids.neq(0).toType(ids.getDataType(), false), null);
      assertEquals(2, answers.size());
      for (var a : answers) assertTrue(ShapesWorld.answers().contains(a.text()), a.toString());
    }
  }

  private static JsonNode last(Path run) throws IOException {
    List<JsonNode> lines = new MetricsLog(run.resolve(TrainRun.METRICS)).read();
    return lines.get(lines.size() - 1);
  }
}
