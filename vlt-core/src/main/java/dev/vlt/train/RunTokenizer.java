package dev.vlt.train;

import dev.vlt.data.DataSource;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.tokenize.BpeTrainer;
import dev.vlt.tokenize.ClipBpeTokenizer;
import dev.vlt.tokenize.TokenizerSpec;
import dev.vlt.tokenize.TrainedBpe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A byte-level BPE in CLIP's layout trained on a run's own training captions (and referring phrases), for a text tower trained from scratch
 * with a vocabulary smaller than CLIP's 49,408 tokens. Saved in the run folder (and copied into every model folder), so a
 * resumed run and every command reading the model use the same ids.
 */
final class RunTokenizer {
  /** Samples whose captions make the corpus: enough for every frequent word of a caption set to become a token. */
  static final int CORPUS_SAMPLES = 1000;

  private RunTokenizer() {}

  /**
   * The tokenizer saved in {@code dir}, or a new one trained on the first samples' captions plus {@code extraTexts} (the
   * prompts evaluation will use) and saved there.
   */
  static ClipBpeTokenizer loadOrTrain(Path dir, DataSource source, List<String> extraTexts, TokenizerSpec spec) {
    Path vocab = dir.resolve(TrainedBpe.VOCAB_FILE);
    Path merges = dir.resolve(TrainedBpe.MERGES_FILE);
    if (!Files.exists(vocab) || !Files.exists(merges)) {
      List<String> corpus = new ArrayList<>(extraTexts);
      Iterator<Sample> it = source.stream(0, SkipReport.quiet());
      for (int i = 0; i < CORPUS_SAMPLES && it.hasNext(); i++) {
        Sample sample = it.next();
        corpus.addAll(sample.captions());
        for (var p : sample.phrases()) corpus.add(p.text());   // referring expressions, which grounding tokenizes
      }
      if (corpus.isEmpty()) throw new IllegalArgumentException(source.describe() + " has no captions to train a tokenizer on");
      BpeTrainer.train(corpus, spec.vocabSize()).save(dir);
    }
    return ClipBpeTokenizer.fromVocabAndMerges(vocab, merges, spec.contextLength());
  }
}
