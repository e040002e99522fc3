package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.Batch;
import dev.vlt.data.ConceptVocabulary;
import dev.vlt.data.Loader;
import dev.vlt.models.caption.Generator;
import dev.vlt.models.caption.ImageEncoding;
import dev.vlt.models.coca.Coca;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * NLIP's noise completion (Huang et al. 2023) on a CoCa: its decoder is the concept-conditioned captioner. For each image
 * the model's own image-concept cosine retrieves the {@code k} best concepts of a {@link ConceptVocabulary}; the decoder
 * reads them as a text prefix, {@code [sot, concept tokens…, eot]}, and then the caption, and is scored on the caption's
 * tokens only (the prefix's labels are padding). It learns from the pairs judged clean (noise probability at most the
 * threshold); at each noise estimate it rewrites, greedily from the prefix, the caption of every pair above the threshold.
 * A rewritten pair trains the contrastive loss with its rewrite as its text and noise probability 0 (the softened target
 * and the regulariser were about the caption the rewrite replaced); the fixed pass keeps scoring the original captions, so
 * the noise estimate means what it meant without completion, and a pair whose estimate falls to the threshold or below gets
 * its original caption back. The rewrites are checkpointed state.
 */
final class NoiseCompletion {
  private final Coca model;
  private final Tokenizer tokenizer;
  private final ConceptVocabulary vocabulary;
  private final long[][] conceptInput;  // [C][ctx]: each concept alone as the text tower's input
  private final int[][] conceptTokens;  // [C][…]: each concept's content ids, for the prefix
  private final int k;
  private final double threshold;
  private final int sot;
  private final int eot;
  private final long[][] rewrites;      // per pair: the rewrite as model input [ctx], or null
  private final int[][] rewriteConcepts; // per pair: the concepts its rewrite was conditioned on, or null

  NoiseCompletion(Coca model, Tokenizer tokenizer, ConceptVocabulary vocabulary, int pairs, int k, double threshold) {
    if (tokenizer.sotId().isEmpty() || tokenizer.eotId().isEmpty()) {
      throw new IllegalArgumentException("nlip's noise completion needs a tokenizer with start and end tokens");
    }
    if (tokenizer.padId() != Coca.PAD_ID) {
      throw new IllegalArgumentException("nlip's noise completion needs the tokenizer to pad with CoCa's pad id " + Coca.PAD_ID);
    }
    this.model = model;
    this.tokenizer = tokenizer;
    this.vocabulary = vocabulary;
    this.k = Math.min(k, vocabulary.size());
    this.threshold = threshold;
    this.sot = tokenizer.sotId().getAsInt();
    this.eot = tokenizer.eotId().getAsInt();
    this.conceptInput = tokenizer.tokenize(vocabulary.words());
    this.conceptTokens = vocabulary.words().stream().map(tokenizer::encode).toArray(int[][]::new);
    int prefix = 2 + Arrays.stream(conceptTokens).mapToInt(c -> c.length).sorted().skip(Math.max(0, conceptTokens.length - this.k)).sum();
    if (prefix + 2 > model.maxDecodeLength()) {
      throw new IllegalArgumentException("--nlip-concepts " + k + ": the longest prefix (" + prefix + " tokens) leaves no room for a "
          + "caption in the decoder's " + model.maxDecodeLength() + " tokens; retrieve fewer concepts");
    }
    this.rewrites = new long[pairs][];
    this.rewriteConcepts = new int[pairs][];
  }

  ConceptVocabulary vocabulary() {
    return vocabulary;
  }

  double threshold() {
    return threshold;
  }

  /** Concepts retrieved per image. */
  int k() {
    return k;
  }

  /** The fraction of pairs that now train on a rewrite. */
  double rewrittenFraction() {
    int n = 0;
    for (long[] r : rewrites) if (r != null) n++;
    return rewrites.length == 0 ? 0 : (double) n / rewrites.length;
  }

  /** Pair {@code row}'s rewrite as model input [ctx], or null when it trains on its own caption. */
  long[] rewrite(int row) {
    return rewrites[row];
  }

  /** Every concept embedded by the text tower as it is now, normalised, without gradient: [C, E]. */
  NDArray conceptFeatures(NDManager manager) {
    try (NoGrad ignored = NoGrad.open()) {
      return model.encodeText(manager.create(conceptInput).toType(DataType.INT64, false), true);
    }
  }

  /**
   * Per image the indices of the {@code k} concepts of highest cosine, best first (ties: the lower index).
   *
   * @param image normalised image features [B, E]
   * @param concepts normalised concept features [C, E]
   */
  static int[][] topConcepts(NDArray image, NDArray concepts, int k) {
    int c = Math.toIntExact(concepts.getShape().get(0));
    if (k < 1 || k > c) throw new IllegalArgumentException("k " + k + " must be in 1.." + c);
    float[] sim = image.matMul(concepts.transpose()).toType(DataType.FLOAT32, false).toFloatArray();  // [B, C]
    int b = sim.length / c;
    int[][] out = new int[b][];
    for (int i = 0; i < b; i++) {
      final int row = i;
      out[i] = java.util.stream.IntStream.range(0, c).boxed()
          .sorted((x, y) -> sim[row * c + x] != sim[row * c + y] ? Float.compare(sim[row * c + y], sim[row * c + x]) : Integer.compare(x, y))
          .limit(k).mapToInt(Integer::intValue).toArray();
    }
    return out;
  }

  /** The decoder's start for the given concepts: [sot, each concept's tokens in order, eot]. */
  int[] start(int[] concepts) {
    int n = 2;
    for (int c : concepts) n += conceptTokens[c].length;
    int[] s = new int[n];
    s[0] = sot;
    int t = 1;
    for (int c : concepts) for (int id : conceptTokens[c]) s[t++] = id;
    s[t] = eot;
    return s;
  }

  /** The captioner's teacher-forced input and labels for one batch. */
  record DecoderBatch(NDArray input, NDArray labels) {}

  /**
   * The decoder's input [B, n−1] and labels [B, n−1] (n the decoder's length): each row is the row's concept start
   * followed by its caption's content and end token, cut at n; labels are the next tokens, padding over the prefix and,
   * for rows that do not train the captioner, everywhere.
   *
   * @param captions the batch's caption ids [B][ctx] as the text tower reads them (start token first)
   * @param trains per row whether its caption trains the captioner
   */
  DecoderBatch decoderBatch(NDManager manager, int[][] concepts, long[][] captions, boolean[] trains) {
    int n = model.maxDecodeLength();
    long[] ids = new long[captions.length * n];
    long[] labels = new long[captions.length * (n - 1)];
    for (int i = 0; i < captions.length; i++) {
      int[] s = start(concepts[i]);
      long[] row = new long[n];
      int t = 0;
      for (int id : s) row[t++] = id;
      for (int j = 1; j < captions[i].length && t < n; j++) {
        long id = captions[i][j];
        if (id == Coca.PAD_ID) break;
        row[t++] = id;
        if (id == eot) break;
      }
      System.arraycopy(row, 0, ids, i * n, n);
      // label j is token j+1; the first s.length−1 of them are the prefix's own tokens
      if (trains[i]) for (int j = s.length - 1; j < n - 1; j++) labels[i * (n - 1) + j] = row[j + 1];
    }
    NDArray all = manager.create(ids, new Shape(captions.length, n));
    return new DecoderBatch(all.get(new NDIndex(":, :-1")), manager.create(labels, new Shape(captions.length, n - 1)));
  }

  /**
   * Rewrites the caption of every pair whose noise probability is above the threshold and drops the rewrites of the others;
   * {@code pairs} reads every training pair once with the evaluation transform. Runs without gradient; the caller sets the
   * model's mode.
   *
   * @return how many pairs now carry a rewrite
   */
  int rewriteNoisy(Loader pairs, ToIntFunction<String> row, float[] noise) {
    for (int r = 0; r < rewrites.length; r++) {
      if (noise[r] <= threshold) {
        rewrites[r] = null;
        rewriteConcepts[r] = null;
      }
    }
    Generator generator = Generator.of(model, tokenizer, model.maxDecodeLength());
    int ctx = tokenizer.contextLength();
    int count = 0;
    try (NoGrad ignored = NoGrad.open(); NDManager m = NDManager.newBaseManager(); Loader.Run run = pairs.open(m)) {
      while (run.hasNext()) {
        try (NDScope scope = new NDScope()) {
          Batch b = run.next();
          List<Integer> picked = new ArrayList<>();
          for (int i = 0; i < b.size(); i++) if (noise[row.applyAsInt(b.samples().get(i).id())] > threshold) picked.add(i);
          if (picked.isEmpty()) continue;
          NDArray images = b.images().get(new NDIndex("{}", m.create(picked.stream().mapToLong(Integer::longValue).toArray())));
          ImageEncoding encoded = model.encodeForDecoding(images);
          int[][] concepts = topConcepts(Ops.l2Normalize(encoded.latent()), conceptFeatures(m), k);
          List<int[]> starts = Arrays.stream(concepts).map(this::start).toList();
          List<int[]> written = generator.continueGreedy(encoded.tokens(), starts);
          for (int j = 0; j < picked.size(); j++) {
            int r = row.applyAsInt(b.samples().get(picked.get(j)).id());
            long[] input = new long[ctx];  // [sot, caption, eot, pad …]: the layout the text tower trains on
            int[] content = written.get(j);
            int len = Math.min(content.length, ctx - 2);
            input[0] = sot;
            for (int t = 0; t < len; t++) input[1 + t] = content[t];
            input[1 + len] = eot;
            rewrites[r] = input;
            rewriteConcepts[r] = concepts[j];
            count++;
          }
        }
      }
    }
    return count;
  }

  /** Pair {@code row}'s rewrite as text and the concepts it was conditioned on ("" for none). */
  String[] describe(int row) {
    if (rewrites[row] == null) return new String[] {"", ""};
    long[] ids = rewrites[row];
    int end = 1;
    while (end < ids.length && ids[end] != eot && ids[end] != Coca.PAD_ID) end++;
    int[] content = new int[end - 1];
    for (int t = 1; t < end; t++) content[t - 1] = (int) ids[t];
    List<String> words = new ArrayList<>();
    for (int c : rewriteConcepts[row]) words.add(vocabulary.words().get(c));
    return new String[] {tokenizer.decode(content).trim(), String.join(" ", words)};
  }

  /** The rewrites as arrays: ids [N, ctx] (a row of padding: none) and their concepts [N, k] (−1: none). */
  void save(java.util.Map<String, NDArray> state, NDManager manager) {
    int ctx = tokenizer.contextLength();
    long[] ids = new long[rewrites.length * ctx];
    int[] concepts = new int[rewrites.length * k];
    Arrays.fill(concepts, -1);
    for (int r = 0; r < rewrites.length; r++) {
      if (rewrites[r] == null) continue;
      System.arraycopy(rewrites[r], 0, ids, r * ctx, ctx);
      System.arraycopy(rewriteConcepts[r], 0, concepts, r * k, k);
    }
    state.put("nlip.rewrites", manager.create(ids, new Shape(rewrites.length, ctx)));
    state.put("nlip.rewrite_concepts", manager.create(concepts, new Shape(rewrites.length, k)));
  }

  void restore(java.util.Map<String, NDArray> state) {
    NDArray ids = state.get("nlip.rewrites");
    NDArray concepts = state.get("nlip.rewrite_concepts");
    if (ids == null || concepts == null) {
      throw new IllegalArgumentException("the checkpoint holds no nlip rewrites: it was written by a run without --noise-completion");
    }
    int ctx = tokenizer.contextLength();
    if (!ids.getShape().equals(new Shape(rewrites.length, ctx)) || !concepts.getShape().equals(new Shape(rewrites.length, k))) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "the checkpoint's nlip rewrites have shape %s and %s, the run "
          + "needs (%d, %d) and (%d, %d)", ids.getShape(), concepts.getShape(), rewrites.length, ctx, rewrites.length, k));
    }
    long[] flat = ids.toType(DataType.INT64, false).toLongArray();
    int[] c = concepts.toType(DataType.INT32, false).toIntArray();  // a checkpoint may hold it as int64
    for (int r = 0; r < rewrites.length; r++) {
      boolean none = flat[r * ctx] == Coca.PAD_ID;
      rewrites[r] = none ? null : Arrays.copyOfRange(flat, r * ctx, (r + 1) * ctx);
      rewriteConcepts[r] = none ? null : Arrays.copyOfRange(c, r * k, (r + 1) * k);
    }
  }
}
