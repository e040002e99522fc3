package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.data.ConceptVocabulary;
import dev.vlt.data.Loader;
import dev.vlt.data.LoaderConfig;
import dev.vlt.data.Sample;
import dev.vlt.data.SampleList;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.models.Models;
import dev.vlt.models.coca.Coca;
import dev.vlt.models.coca.CocaConfig;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** NLIP's noise completion parts: the vocabulary, concept retrieval, the prefix the decoder reads, and which pairs it rewrites. */
@ExtendWith(OneThread.class)
class NoiseCompletionTest {
  private static final CocaConfig COCA = Models.config("coca-tiny", CocaConfig.class);

  @Test
  void theVocabularyOfShapesCaptionsIsItsColoursShapesSizesAndPlaces() {
    List<List<String>> captions = new ArrayList<>();
    Tiny.shapes(512).stream(0, SkipReport.quiet()).forEachRemaining(s -> captions.add(s.captions()));
    List<String> words = ConceptVocabulary.fromCaptions(captions).words();
    for (String w : List.of("red", "blue", "white", "circle", "star", "cross", "small", "large", "top", "left", "center")) {
      assertTrue(words.contains(w), w + " is a concept: " + words);
    }
    for (String w : List.of("a", "the", "in", "picture", "shape", "one")) assertFalse(words.contains(w), w + " is not: " + words);
  }

  @Test
  void retrievalRanksConceptsByCosineBestFirst() {
    try (NDManager m = NDManager.newBaseManager()) {
      // three images against four concepts in 3-d; cosines worked out by hand
      NDArray image = Ops.l2Normalize(m.create(new float[][] {{1, 0, 0}, {0, 1, 0}, {1, 1, 0}}));
      NDArray concepts = Ops.l2Normalize(m.create(new float[][] {{0, 0, 1}, {1, 0.1f, 0}, {0.2f, 1, 0}, {1, 1, 0.1f}}));
      int[][] top = NoiseCompletion.topConcepts(image, concepts, 2);
      assertArrayEquals(new int[] {1, 3}, top[0]);
      assertArrayEquals(new int[] {2, 3}, top[1]);
      assertArrayEquals(new int[] {3, 2}, top[2]);
      assertArrayEquals(new int[] {3, 2, 1, 0}, NoiseCompletion.topConcepts(image, concepts, 4)[2]);
    }
  }

  @Test
  void theConceptPrefixReachesTheDecoderAndIsNotScored() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Coca coca = COCA.create();
      coca.initialize(m, 3);
      coca.train(false);
      ConceptVocabulary vocab = new ConceptVocabulary(List.of("red", "blue", "circle", "star"));
      NoiseCompletion completion = new NoiseCompletion(coca, Tiny.tokenizer(), vocab, 4, 2, 0.5);
      long[] caption = Tiny.tokenizer().tokenize("a small red circle");
      NDArray images = m.randomNormal(new ai.djl.ndarray.types.Shape(2, 3, 32, 32));
      NDArray oneImage = images.get(new NDIndex("0:1")).repeat(0, 2);
      NoiseCompletion.DecoderBatch d = completion.decoderBatch(m, new int[][] {{0, 2}, {1, 3}}, new long[][] {caption, caption},
          new boolean[] {true, false});
      NDArray logits = coca.captionLogits(coca.encodeImage(oneImage, dev.vlt.tensor.Trace.NONE).tokens(), d.input());
      int prefix = completion.start(new int[] {0, 2}).length;  // sot, red, circle, eot
      assertEquals(4, prefix);
      // the same image and caption; only the concepts differ, and so do the decoder's predictions of the caption
      float[] first = logits.get(new NDIndex("0, {}", prefix)).toFloatArray();
      float[] second = logits.get(new NDIndex("1, {}", prefix)).toFloatArray();
      double diff = 0;
      for (int v = 0; v < first.length; v++) diff = Math.max(diff, Math.abs(first[v] - second[v]));
      assertTrue(diff > 1e-4, "the concepts change the caption's logits: " + diff);
      long[] labels = d.labels().toLongArray();
      int n = (int) d.labels().getShape().get(1);
      for (int j = 0; j < prefix - 1; j++) assertEquals(Coca.PAD_ID, labels[j], "the prefix is not scored");
      assertEquals(caption[1], labels[prefix - 1], "the first scored label is the caption's first token");
      for (int j = 0; j < n; j++) assertEquals(Coca.PAD_ID, labels[n + j], "a row that does not train the captioner scores nothing");
    }
  }

  @Test
  void onlyPairsAboveTheThresholdAreRewritten() {
    try (NDManager m = NDManager.newBaseManager()) {
      Coca coca = COCA.create();
      coca.initialize(m, 4);
      coca.train(false);
      List<Sample> samples = new ArrayList<>();
      Tiny.shapes(16).stream(0, SkipReport.quiet()).forEachRemaining(samples::add);
      Map<String, Integer> rows = new HashMap<>();
      for (int i = 0; i < samples.size(); i++) rows.put(samples.get(i).id(), i);
      Loader pairs = new Loader(new SampleList("16 scenes", samples, List.of()), new EvalTransform(Tiny.PREPROCESS),
          LoaderConfig.eval(8).withThreads(1), SkipReport.quiet(), Tiny.tokenizer()::tokenize);
      ConceptVocabulary vocab = ConceptVocabulary.fromCaptions(samples.stream().map(Sample::captions).toList());
      NoiseCompletion completion = new NoiseCompletion(coca, Tiny.tokenizer(), vocab, samples.size(), 3, 0.5);
      float[] noise = new float[samples.size()];
      for (int i = 0; i < noise.length; i++) noise[i] = i % 3 == 0 ? 0.9f : i % 3 == 1 ? 0.5f : 0.1f;
      assertEquals(6, completion.rewriteNoisy(pairs, rows::get, noise));
      for (int i = 0; i < noise.length; i++) {
        if (noise[i] > 0.5f) assertNotNull(completion.rewrite(i), "pair " + i + " at " + noise[i]);
        else assertNull(completion.rewrite(i), "pair " + i + " at " + noise[i] + " keeps its caption");
      }
      noise[0] = 0.2f;  // judged clean at the next estimate: the pair gets its own caption back
      assertEquals(5, completion.rewriteNoisy(pairs, rows::get, noise));
      assertNull(completion.rewrite(0));
      assertEquals(5.0 / 16, completion.rewrittenFraction(), 1e-9);
    }
  }
}
