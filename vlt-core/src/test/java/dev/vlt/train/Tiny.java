package dev.vlt.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.Models;
import dev.vlt.data.image.PreprocessConfig;
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
  static final ClipConfig CONFIG = Models.config("tiny");
  static final PreprocessConfig PREPROCESS = PreprocessConfig.openai(CONFIG.vision().imageSize());
  private static Tokenizer tokenizer;

  private Tiny() {}

  static synchronized Tokenizer tokenizer() {
    if (tokenizer == null) {
      try {
        Path dir = Files.createTempDirectory("vlt-tiny-bpe");
        tokenizer = ShapesVocab.loadOrTrain(dir, CONFIG.text());
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

  static ClipTask task(Clip clip, NDManager m) {
    return new ClipTask(clip, PREPROCESS, List.of(), ClipTask.Objective.CONTRASTIVE, 0, m);
  }

  static ShapesWorldConfig world() {
    return ShapesWorldConfig.defaults().withImageSize(CONFIG.vision().imageSize());
  }

  static ShapesSource source(int batch, long samplesPerEpoch) {
    return new ShapesSource(new ShapesWorld(world()), Split.TRAIN, batch, samplesPerEpoch, tokenizer(), PREPROCESS, 0);
  }

  /** A run config from JSON with single quotes, e.g. {@code config("{'steps': 10}")}; absent keys take defaults. */
  static TrainConfig config(String json) {
    try {
      return TrainConfig.fromJson(new ObjectMapper().readTree(json.replace('\'', '"')));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
