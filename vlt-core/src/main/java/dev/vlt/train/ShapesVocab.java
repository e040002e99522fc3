package dev.vlt.train;

import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.tokenize.BpeTrainer;
import dev.vlt.tokenize.ClipBpeTokenizer;
import dev.vlt.tokenize.TrainedBpe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A byte-level BPE in CLIP's layout trained on ShapesWorld's training captions, for text towers smaller than CLIP's
 * 49,408-token vocabulary. The vocabulary is small (a few dozen words), so training stops once every frequent word is a
 * single token, well below any reasonable vocab_size.
 */
final class ShapesVocab {
  static final int CLIP_VOCAB_SIZE = 49408;
  /** Scenes whose five phrasings make the corpus: every word of the generator occurs many times in them. */
  static final int SCENES = 500;

  private ShapesVocab() {}

  /** The tokenizer saved in {@code dir}, or a new one trained and saved there. */
  static ClipBpeTokenizer loadOrTrain(Path dir, TextConfig text) {
    Path vocab = dir.resolve(TrainedBpe.VOCAB_FILE);
    Path merges = dir.resolve(TrainedBpe.MERGES_FILE);
    if (!Files.exists(vocab) || !Files.exists(merges)) {
      ShapesWorld world = new ShapesWorld();
      List<String> captions = new ArrayList<>();
      for (int i = 0; i < SCENES; i++) {
        ShapesSample s = world.sample(Split.TRAIN, i);
        captions.addAll(s.captions());
      }
      captions.addAll(ShapesWorld.classPrompts());  // their words all occur in training captions; this adds no new word
      BpeTrainer.train(captions, text.vocabSize()).save(dir);
    }
    return ClipBpeTokenizer.fromVocabAndMerges(vocab, merges, text.contextLength());
  }
}
