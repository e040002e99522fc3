package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.Fixtures;
import dev.vlt.data.DataExport;
import dev.vlt.data.DataSource;
import dev.vlt.data.EmojiSet;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.ImageDecoder;
import dev.vlt.infer.Embedder;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.caption.Decoding;
import dev.vlt.models.caption.Generator;
import dev.vlt.models.coca.Coca;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlt train}'s path on the user's own data: real emoji image-caption pairs written as a CSV (with open_clip's key
 * and separator options), as a class folder and as WebDataset shards, each trained through the one loader and Trainer
 * with --val-data evaluated; mid-epoch checkpoints resume exactly; CoCa trains through the same path.
 */
@ExtendWith(OneThread.class)
class OwnDataTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static Path csv;
  static Path valCsv;
  static Path folder;
  static String shards;

  @BeforeAll
  static void exportEmoji() throws IOException {
    DataSource train = EmojiSet.read(Fixtures.data("emoji-google-64"), "train", false);
    DataSource test = EmojiSet.read(Fixtures.data("emoji-google-64"), "test", false);
    csv = Path.of(DataExport.export(train, DataExport.Format.CSV, tmp.resolve("csv"), 48, 1000, SkipReport.quiet()).entry());
    valCsv = Path.of(DataExport.export(test, DataExport.Format.JSONL, tmp.resolve("val"), 24, 1000, SkipReport.quiet()).entry());
    folder = Path.of(DataExport.export(train, DataExport.Format.FOLDER, tmp.resolve("folder"), 48, 1000, SkipReport.quiet()).entry());
    shards = DataExport.export(train, DataExport.Format.SHARDS, tmp.resolve("shards"), 48, 16, SkipReport.quiet()).entry();
  }

  private static TrainConfig config(String data, String extra) throws IOException {
    ObjectNode o = (ObjectNode) JSON.readTree(("{'model': 'tiny', 'batch_size': 8, 'steps': 6, 'save_frequency': 100, "
        + "'workers': 1, 'log_every_n_steps': 100" + extra + "}").replace('\'', '"'));
    o.put("data", data);
    return TrainConfig.fromJson(o);
  }

  private static List<JsonNode> train(Path dir, TrainConfig cfg) throws IOException {
    try (TrainRun run = TrainRun.create(dir, cfg)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    return new MetricsLog(dir.resolve(TrainRun.METRICS)).read();
  }

  @Test
  void aCsvOfImagePathsAndCaptionsTrainsAndIsValidated(@TempDir Path dir) throws IOException {
    TrainConfig cfg = config(csv.toString(), ", 'epochs': 2, 'steps': 0").withValData(valCsv.toString());
    List<JsonNode> lines = train(dir.resolve("run"), cfg);
    JsonNode written = JSON.readTree(dir.resolve("run").resolve(TrainRun.CONFIG).toFile());
    assertEquals(48, written.get("train_num_samples").asLong(), "an epoch is the manifest's size");
    assertEquals(1 + 12, lines.size(), "an evaluation at step 0, then 2 epochs of 6 steps");
    JsonNode last = lines.get(lines.size() - 1);
    for (String k : List.of("val_text_to_image_r1", "val_text_to_image_r5", "val_image_to_text_r1", "val_zeroshot_top1")) {
      assertTrue(last.has(k) && last.get(k).asDouble() >= 0 && last.get(k).asDouble() <= 1, k + " in " + last);
    }
    assertTrue(Files.size(dir.resolve("run/plots/retrieval.png")) > 1000);
    Path model = dir.resolve("run").resolve(TrainRun.MODEL);
    try (Embedder e = Embedder.open(model.toString(), null)) {
      float[][] v = e.embedImages(List.of(ImageDecoder.decode(csv.resolveSibling("images/000000.png"))));
      assertEquals(1.0, norm(v[0]), 1e-4, "the trained folder embeds like any model folder");
      assertEquals(1.0, norm(e.embedTexts(List.of("grinning face"))[0]), 1e-4, "with the BPE trained on the captions");
    }
  }

  @Test
  void openClipsKeyAndSeparatorOptionsReadOtherColumns(@TempDir Path dir) throws IOException {
    List<String> rows = new ArrayList<>(List.of("text\timg"));
    for (String line : Files.readAllLines(csv).subList(1, 17)) {
      String[] f = line.split(",");
      rows.add(f[1] + "\t" + csv.getParent().resolve(f[0]));
    }
    Path tsv = dir.resolve("pairs.tsv");
    Files.write(tsv, rows);
    TrainConfig cfg = config(tsv.toString(), ", 'csv_img_key': 'img', 'csv_caption_key': 'text', 'zeroshot_frequency': 0");
    assertEquals(6, train(dir.resolve("run"), cfg).size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainRun.create(dir.resolve("bad"), config(tsv.toString(), ", 'csv_img_key': 'filepath'")));
    assertTrue(e.getMessage().contains("no column 'filepath'") && e.getMessage().contains("[text, img]"), e.getMessage());
  }

  @Test
  void aClassFolderTrainsOnItsNamesThroughPromptTemplates(@TempDir Path dir) throws IOException {
    TrainConfig cfg = config(folder.toString(), "").withValData(folder.toString());
    List<JsonNode> lines = train(dir.resolve("run"), cfg);
    assertTrue(lines.get(lines.size() - 1).has("val_zeroshot_top1"), "a labelled source is evaluated zero-shot");
    List<String> vocab = Files.readAllLines(dir.resolve("run/tokenizer/merges.txt"));
    assertTrue(vocab.size() > 10, "the tokenizer is trained on the templated class names");
  }

  @Test
  void webDatasetShardsNeedTheirSizeAndTrain(@TempDir Path dir) throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainRun.create(dir.resolve("unsized"), config(shards, ", 'steps': 0")));
    assertTrue(e.getMessage().contains("--train-num-samples") && e.getMessage().contains("WebDataset"), e.getMessage());
    assertTrue(!Files.exists(dir.resolve("unsized")), "a failed start leaves nothing behind");
    List<JsonNode> lines = train(dir.resolve("run"), config(shards, ", 'steps': 8, 'train_num_samples': 48, 'zeroshot_frequency': 0"));
    assertEquals(8, lines.size());
    assertEquals(0, lines.get(5).get("epoch").asInt(), "6 batches of 8 make one pass over the 48 shard samples");
    assertEquals(1, lines.get(6).get("epoch").asInt(), "the 7th step reads the second pass");
  }

  @Test
  void aMidEpochCheckpointResumesToTheSameLosses(@TempDir Path dir) throws IOException {
    // 48 pairs, batch 8: 6 steps an epoch, 9 steps in all, a checkpoint every 4 steps (mid-epoch)
    TrainConfig cfg = config(csv.toString(), ", 'steps': 9, 'save_every_n_steps': 4, 'zeroshot_frequency': 0");
    List<Double> whole = losses(train(dir.resolve("whole"), cfg));
    Path part = dir.resolve("part");
    try (TrainRun run = TrainRun.create(part, cfg)) {
      assertEquals(Trainer.Outcome.STOPPED, run.run(new TrainListener() {
        @Override
        public void stepped(StepMetrics m) {
          if (m.step() == 5) run.requestStop();
        }
      }));
    }
    try (Stream<Path> s = Files.list(part.resolve(TrainRun.CHECKPOINTS))) {
      assertEquals(List.of("step-000005"), s.map(p -> p.getFileName().toString()).toList(),
          "the stop checkpoints the last step done (and replaces step 4's)");
    }
    try (TrainRun run = TrainRun.resume(part)) {
      assertEquals(5, run.resumedFrom().orElseThrow().step());
      assertEquals(new dev.vlt.data.Loader.Position(0, 40), run.resumedFrom().orElseThrow().position(), "mid-epoch: 40 of 48 read");
      run.run(TrainListener.NONE);
    }
    assertEquals(whole, losses(new MetricsLog(part.resolve(TrainRun.METRICS)).read()));
  }

  /** The process-wide stop (Ctrl-C or SIGTERM in a quickstart or experiment) ends a run that must finish at a step boundary. */
  @Test
  void aStopRequestCheckpointsAndEndsARunThatMustFinish(@TempDir Path dir) throws IOException {
    TrainConfig cfg = config(csv.toString(), ", 'steps': 9, 'zeroshot_frequency': 0");
    Path part = dir.resolve("stopped");
    try (TrainRun run = TrainRun.create(part, cfg)) {
      TrainingStopped e = assertThrows(TrainingStopped.class, () -> run.runToEnd(new TrainListener() {
        @Override
        public void stepped(StepMetrics m) {
          if (m.step() == 3) StopRequest.request();
        }
      }));
      assertEquals(3, e.step());
      assertTrue(e.getMessage().contains("--resume --out " + part), e.getMessage());
    } finally {
      StopRequest.clear();
    }
    assertTrue(Files.isDirectory(part.resolve(TrainRun.CHECKPOINTS).resolve("step-000003")), "the stop checkpoints step 3");
    assertTrue(!Files.exists(part.resolve(TrainRun.MODEL)), "no final model from a stopped run");
    try (TrainRun run = TrainRun.resume(part)) {
      run.runToEnd(TrainListener.NONE);                                  // cleared: it goes on to the end
    }
    assertEquals(9, new MetricsLog(part.resolve(TrainRun.METRICS)).read().size());
  }

  @Test
  void cocaTrainsThroughTheSameTrainerAndCaptionsAndEmbeds(@TempDir Path dir) throws IOException {
    TrainConfig cfg = TrainConfig.fromJson(JSON.readTree(("{'model': 'coca-tiny', 'data': 'shapes', 'captions': 'first', "
        + "'batch_size': 8, 'steps': 3, 'train_num_samples': 24, 'workers': 1}").replace('\'', '"')));
    List<JsonNode> lines = train(dir.resolve("coca"), cfg);
    JsonNode last = lines.get(lines.size() - 1);
    assertTrue(last.has("contrastive_loss") && last.has("caption_loss"), "CoCa's two loss terms: " + last);
    assertTrue(last.has("test_caption_correct") && last.has("test_top1"), "captioning and zero-shot evaluation: " + last);
    try (LoadedModel lm = Models.load(dir.resolve("coca/model")); NDManager m = NDManager.newBaseManager()) {
      assertEquals("coca", lm.architecture().name());
      Generator gen = Generator.of(lm.require(Capability.CAPTIONING), lm.tokenizer(), 8);
      List<String> captions = gen.captions(m.randomNormal(new ai.djl.ndarray.types.Shape(2, 3, 32, 32)), Decoding.greedy(), lm.tokenizer());
      assertEquals(2, captions.size());
      assertEquals(lm.as(Coca.class).config().embedDim(),
          lm.require(Capability.IMAGE_EMBEDDING).encodeImage(m.randomNormal(new ai.djl.ndarray.types.Shape(1, 3, 32, 32)), true).getShape().get(1));
    }
  }

  @Test
  void aTaskTheArchitectureDoesNotTrainIsOneLine(@TempDir Path dir) throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainRun.create(dir.resolve("x"), config("shapes", ", 'task': 'coca'")));
    assertTrue(e.getMessage().contains("--task coca does not train a CLIP model; its tasks are contrastive, sigmoid"), e.getMessage());
  }

  private static List<Double> losses(List<JsonNode> lines) {
    return lines.stream().filter(l -> l.has("loss")).map(l -> l.get("loss").asDouble()).toList();
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) s += x * x;
    return s;
  }
}
