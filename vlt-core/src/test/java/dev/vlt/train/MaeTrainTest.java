package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Parity;
import dev.vlt.data.Batch;
import dev.vlt.data.ImageSource;
import dev.vlt.data.Loader;
import dev.vlt.data.Sample;
import dev.vlt.data.image.Raster8;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.mae.Mae;
import dev.vlt.models.mae.MaeConfig;
import dev.vlt.objectives.PixelTargets;
import dev.vlt.tensor.NoGrad;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** MAE as a registered architecture: vlt train on an image source, its masking draws, both target variants. */
@ExtendWith(OneThread.class)
class MaeTrainTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String TINY = "{\"arch\": \"mae\", \"model_cfg\": {\"img_size\": 16, \"patch_size\": 4, \"embed_dim\": 16, "
      + "\"depth\": 1, \"num_heads\": 2, \"decoder_embed_dim\": 8, \"decoder_depth\": 1, \"decoder_num_heads\": 2, "
      + "\"norm_pix_loss\": %s}}";

  @Test
  void trainsOnAnImageSourceAndWritesReconstructions(@TempDir Path tmp) throws Exception {
    Path cfgFile = tmp.resolve("mae-tiny.json");
    Files.writeString(cfgFile, String.format(TINY, "false"));
    Path dir = tmp.resolve("run");
    TrainConfig cfg = TrainConfig.fromJson(JSON.readTree("{\"model\": \"" + cfgFile + "\", \"data\": \"digits:train\", "
        + "\"batch_size\": 8, \"train_num_samples\": 16, \"epochs\": 2, \"workers\": 1}"));
    try (TrainRun run = TrainRun.create(dir, cfg)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    List<JsonNode> lines = new MetricsLog(dir.resolve(TrainRun.METRICS)).read();
    JsonNode last = lines.get(lines.size() - 1);
    assertTrue(last.has("pixel_loss") && last.has("train_recon_error") && last.has("train_recon_error_mean_patch"), last.toString());
    assertTrue(Double.isFinite(last.get("train_recon_error").asDouble()));
    assertTrue(Files.size(dir.resolve(ReconstructionEvaluation.GRID)) > 2000, "the reconstruction grid is in the run folder");
    assertFalse(Files.exists(dir.resolve(TrainRun.MODEL).resolve("vocab.json")), "a model without text carries no tokenizer");
    try (LoadedModel saved = Models.load(dir.resolve(TrainRun.MODEL))) {
      assertEquals("mae", saved.architecture().name());
      assertEquals(List.of(Capability.IMAGE_EMBEDDING, Capability.PIXEL_RECONSTRUCTION), saved.capabilities());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, saved::tokenizer);
      assertTrue(e.getMessage().contains("reads no text"), e.getMessage());
      try (NoGrad ng = NoGrad.open()) {
        NDArray x = saved.manager().randomNormal(new Shape(2, 3, 16, 16));
        assertEquals(new Shape(2, 16), saved.require(Capability.IMAGE_EMBEDDING).encodeImage(x, true).getShape());
      }
    }
  }

  @Test
  void masksDifferPerPassAndRepeatOnTheSamePosition() {
    MaeConfig c = (MaeConfig) Models.readConfig(parse("false"), "test");
    try (NDManager m = NDManager.newBaseManager()) {
      Mae mae = c.create();
      mae.initialize(m, 1);
      MaeTask task = new MaeTask(mae, 5, ModelWriter.NONE);
      NDArray a = task.collate(batch(m, new Loader.Position(0, 4)), m).noise();
      NDArray again = task.collate(batch(m, new Loader.Position(0, 4)), m).noise();
      NDArray nextEpoch = task.collate(batch(m, new Loader.Position(1, 4)), m).noise();
      assertEquals(0.0, Parity.maxAbsDiff(a, again), "a resumed run draws the same masks");
      assertTrue(Parity.maxAbsDiff(a, nextEpoch) > 0.1, "another pass over the same images draws new masks");
      assertTrue(Parity.maxAbsDiff(a.get("0"), a.get("1")) > 0.1, "each image has its own mask");
    }
  }

  @Test
  void normPixConfigNormalisesTheTargets() {
    for (boolean normPix : new boolean[] {false, true}) {
      MaeConfig c = (MaeConfig) Models.readConfig(parse(Boolean.toString(normPix)), "test");
      try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
        Mae mae = c.create();
        mae.initialize(m, 1);
        MaeTask task = new MaeTask(mae, 5, ModelWriter.NONE);
        MaeTask.Images in = task.collate(batch(m, Loader.Position.START), m);
        MaeTask.Outputs out = task.forward(in);
        assertEquals(0.0, Parity.maxAbsDiff(PixelTargets.image(in.images(), 4, normPix), out.target()));
        double meanOfMeans = out.target().mean(new int[] {-1}).abs().max().getFloat();
        assertEquals(normPix, meanOfMeans < 1e-4, "per-patch means are zero exactly when norm_pix_loss is set");
        assertTrue(Double.isFinite(task.loss(out).total().getFloat()));
      }
    }
  }

  private static JsonNode parse(String normPix) {
    try {
      return JSON.readTree(String.format(TINY, normPix));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Batch batch(NDManager m, Loader.Position next) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      samples.add(Sample.of("img" + i, ImageSource.of(new Raster8(16, 16, 3, new byte[16 * 16 * 3])), List.of(), -1, "test"));
    }
    return new Batch(m.randomNormal(new Shape(2, 3, 16, 16)), samples, List.of("", ""), null, next);
  }
}
