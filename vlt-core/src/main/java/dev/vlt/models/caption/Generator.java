package dev.vlt.models.caption;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Captions images with any {@link CaptionModel} (CoCa): the image is encoded once, then tokens are decoded from the start
 * token until the end token or {@code maxLength} tokens (start included), greedily, by beam search or by sampling
 * ({@link Decoding}). Each step re-runs the decoder over the whole prefix, as open_clip's generate does (no key/value cache).
 */
public final class Generator {
  private final CaptionModel model;
  private final int sot;
  private final int eot;
  private final int maxLength;
  private final int usableIds;

  /** @param maxLength the longest caption in tokens, start and end tokens included; at most the model's context */
  public Generator(CaptionModel model, int sotId, int eotId, int maxLength) {
    this(model, sotId, eotId, maxLength, model.vocabSize());
  }

  /**
   * @param usableIds only ids below this are generated: a tokenizer smaller than the model's embedding table cannot decode
   *     the rest, which training never used
   */
  public Generator(CaptionModel model, int sotId, int eotId, int maxLength, int usableIds) {
    int vocab = model.vocabSize();
    if (usableIds < 1 || usableIds > vocab) throw new IllegalArgumentException("usable ids " + usableIds + " must be in 1.." + vocab);
    if (sotId < 0 || sotId >= usableIds || eotId < 0 || eotId >= usableIds) {
      throw new IllegalArgumentException("start id " + sotId + " and end id " + eotId + " must be token ids below " + usableIds);
    }
    int limit = model.maxDecodeLength();
    if (maxLength < 2 || maxLength > limit) {
      throw new IllegalArgumentException("max length " + maxLength + " must be between 2 and the model's context length " + limit);
    }
    this.model = model;
    this.sot = sotId;
    this.eot = eotId;
    this.maxLength = maxLength;
    this.usableIds = usableIds;
  }

  /** A generator using the tokenizer's start and end tokens, generating only ids the tokenizer can decode. */
  public static Generator of(CaptionModel model, Tokenizer tokenizer, int maxLength) {
    if (tokenizer.sotId().isEmpty() || tokenizer.eotId().isEmpty()) {
      throw new IllegalArgumentException("captioning needs a tokenizer with start and end tokens");
    }
    if (tokenizer.vocabSize() > model.vocabSize()) {
      throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " tokens but the model only "
          + model.vocabSize());
    }
    return new Generator(model, tokenizer.sotId().getAsInt(), tokenizer.eotId().getAsInt(), maxLength, tokenizer.vocabSize());
  }

  /** images [B, 3, S, S] → per image the generated ids after the start token, without the end token. */
  public List<int[]> generate(NDArray images, Decoding decoding) {
    int b = Math.toIntExact(images.getShape().get(0));
    try (NoGrad ng = NoGrad.open(); NDScope scope = new NDScope()) {
      ImageEncoding encoded = model.encodeForDecoding(images);                       // encoded once, for both heads
      NDArray imageTokens = encoded.tokens();                                         // [B, S, E]
      TokenSearch search = new TokenSearch((prefixes, rows) -> nextLogits(imageTokens, prefixes, rows), sot, eot, maxLength);
      if (decoding instanceof Decoding.Rerank r) {
        if (!(model instanceof ContrastiveModel contrastive) || encoded.latent() == null) {
          throw new IllegalArgumentException("re-ranking captions needs a model that also scores images against texts");
        }
        return rerank(contrastive, Ops.l2Normalize(encoded.latent()), search.nBest(b, r.beam()), r.weight());
      }
      return search.run(b, decoding);
    }
  }

  /**
   * Greedy captions continuing a given start per image (its tokens, the start token first; e.g. a prefix of retrieved
   * concepts, as NLIP's captioner reads): per image the ids generated after its start, without the end token.
   *
   * @param imageTokens the images' decoder tokens [B, S, E] ({@link CaptionModel#encodeForDecoding})
   */
  public List<int[]> continueGreedy(NDArray imageTokens, List<int[]> starts) {
    int b = Math.toIntExact(imageTokens.getShape().get(0));
    if (starts.size() != b) throw new IllegalArgumentException(starts.size() + " starts for " + b + " images");
    try (NoGrad ng = NoGrad.open(); NDScope scope = new NDScope()) {
      TokenSearch search = new TokenSearch((prefixes, rows) -> nextLogits(imageTokens, prefixes, rows), sot, eot, maxLength);
      return search.greedyFrom(starts.toArray(new int[0][]));
    }
  }

  /** Captions as text: {@link #generate} decoded by {@code tokenizer}, trimmed. */
  public List<String> captions(NDArray images, Decoding decoding, Tokenizer tokenizer) {
    List<String> out = new ArrayList<>();
    for (int[] ids : generate(images, decoding)) out.add(tokenizer.decode(ids).trim());
    return out;
  }

  /**
   * Per image, the candidate maximising its length-normalised log-probability plus weight × the model's logit scale ×
   * the cosine between its contrastive text embedding and the image's. At weight 1 that is p_decoder · p_contrastive (the
   * log-softmax over the candidates, up to a constant shared by all of them), and the decoder's term keeps degenerate
   * candidates out; an infinite weight ranks by the cosine alone.
   *
   * @param imageEmbeddings the images' normalised contrastive embeddings [B, E]
   */
  private List<int[]> rerank(ContrastiveModel contrastive, NDArray imageEmbeddings, List<List<TokenSearch.Done>> candidates,
      double weight) {
    NDManager m = imageEmbeddings.getManager();
    float[] image = imageEmbeddings.toType(DataType.FLOAT32, false).toFloatArray();  // [B, E]
    int e = image.length / candidates.size();
    int ctx = contrastive.contextLength();
    double scale = Math.exp(contrastive.logitScale().value().getFloat());
    List<int[]> out = new ArrayList<>(candidates.size());
    for (int i = 0; i < candidates.size(); i++) {
      List<int[]> mine = candidates.get(i).stream().map(TokenSearch.Done::content).toList();
      long[] ids = new long[mine.size() * ctx];  // [sot, caption, eot, 0 …]: the layout the text tower was trained on
      for (int c = 0; c < mine.size(); c++) {
        int[] caption = mine.get(c);
        int n = Math.min(caption.length, ctx - 2);
        ids[c * ctx] = sot;
        for (int t = 0; t < n; t++) ids[c * ctx + 1 + t] = caption[t];
        ids[c * ctx + 1 + n] = eot;
      }
      float[] text = contrastive.encodeText(m.create(ids, new Shape(mine.size(), ctx)), true).toType(DataType.FLOAT32, false).toFloatArray();
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < mine.size(); c++) {
        double cos = 0;
        for (int k = 0; k < e; k++) cos += (double) text[c * e + k] * image[i * e + k];
        double score = Double.isInfinite(weight) ? cos : candidates.get(i).get(c).score() + weight * scale * cos;
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      out.add(mine.get(best));
    }
    return out;
  }

  private float[][] nextLogits(NDArray imageTokens, int[][] prefixes, int[] rows) {
    try (NDScope step = new NDScope()) {                                            // a step's arrays die with it
      NDManager m = imageTokens.getManager();
      int n = prefixes[0].length;
      long[] flat = new long[prefixes.length * n];
      for (int r = 0; r < prefixes.length; r++) for (int t = 0; t < n; t++) flat[r * n + t] = prefixes[r][t];
      long[] imageRows = new long[rows.length];
      for (int r = 0; r < rows.length; r++) imageRows[r] = rows[r];
      NDArray ids = m.create(flat, new Shape(prefixes.length, n));
      NDArray image = imageTokens.get(new NDIndex("{}", m.create(imageRows)));      // [rows, S, E]
      float[] logits = model.nextTokenLogits(image, ids).toType(DataType.FLOAT32, false).toFloatArray();
      int vocab = logits.length / prefixes.length;
      float[][] out = new float[prefixes.length][];
      for (int r = 0; r < out.length; r++) out[r] = java.util.Arrays.copyOfRange(logits, r * vocab, r * vocab + usableIds);
      return out;
    }
  }

  public int maxLength() {
    return maxLength;
  }
}
