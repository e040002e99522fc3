package dev.vlt.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The registry's tiny CLIP (32 px, 2+2 layers) on 32 px ShapesWorld, with a ShapesWorld BPE trained once per JVM. */
final class Tiny {
  static final ClipConfig CONFIG = Models.config("tiny", ClipConfig.class);
  static final PreprocessConfig PREPROCESS = PreprocessConfig.openai(CONFIG.vision().imageSize());
  private static Tokenizer tokenizer;

  private Tiny() {}

  static synchronized Tokenizer tokenizer() {
    if (tokenizer == null) {
      try {
        Path dir = Files.createTempDirectory("vlt-tiny-bpe");
        tokenizer = RunTokenizer.loadOrTrain(dir, shapes(4096), ShapesWorld.classPrompts(), CONFIG.text().tokenizerSpec());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return tokenizer;
  }

  static Clip clip(NDManager m, long seed) {
    Clip clip = new Clip(CONFIG);
    clip.initialize(m, seed);
    return clip;
  }

  static ContrastiveTask task(Clip clip, NDManager m) {
    return new ContrastiveTask(clip, ContrastiveTask.Objective.CONTRASTIVE, 0, m, ModelWriter.of(CONFIG, clip, PREPROCESS, List.of()));
  }

  static ShapesWorldConfig world() {
    return ShapesWorldConfig.defaults().withImageSize(CONFIG.vision().imageSize());
  }

  static ShapesSource shapes(long samplesPerEpoch) {
    return new ShapesSource(new ShapesWorld(world().withObjects(1, 1)), Split.TRAIN, samplesPerEpoch, 0);
  }

  /** The training loader of vlt train over one-object 32 px scenes, one decoding thread. */
  static Loader loader(int batch, long samplesPerEpoch) {
    return new Loader(shapes(samplesPerEpoch), new EvalTransform(PREPROCESS), LoaderConfig.train(batch, 0).withThreads(1),
        SkipReport.quiet(), tokenizer()::tokenize);
  }

  /** The first training batch of {@code batch} pairs, collated for contrastive training. */
  static TrainBatch batch(NDManager m, int batch) {
    try (Loader.Run run = loader(batch, 64).open(m)) {
      Batch b = run.next();
      return new TrainBatch(b.images(), m.create(b.tokens()));
    }
  }

  /** A run config from JSON with single quotes, e.g. {@code config("{'steps': 10}")}; absent keys take defaults. */
  static TrainConfig config(String json) {
    try {
      return TrainConfig.fromJson(new ObjectMapper().readTree(json.replace('\'', '"'))).resolved(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
