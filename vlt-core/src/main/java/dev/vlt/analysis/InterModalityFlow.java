package dev.vlt.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.meter.CoAttention;
import dev.vlt.models.meter.Meter;
import dev.vlt.models.meter.MergedAttention;
import dev.vlt.models.meter.TextCrossAttention;
import dev.vlt.nn.PostNormBlock;
import dev.vlt.nn.PostNormCrossBlock;
import dev.vlt.nn.QkvAttention;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import java.util.ArrayList;
import java.util.List;

/**
 * How much of a fusion module's attention crosses modalities, per layer: the Inter-Modality Flow of visual parsing (Xue
 * et al. 2021) and an update share that is defined for every fusion kind.
 *
 * <p><b>IMF</b> (merged attention only, where one self-attention sees both modalities): per sample and head, the attention
 * mass text tokens give image tokens plus the mass image tokens give text tokens, over all the mass among them; averaged
 * over heads and samples. Special tokens are left out as queries and as keys, as the paper does for [CLS] and [SEP]:
 * here the text's first and last real token (the tokenizer's start and end), the image [CLS], and padding. The weights
 * are not renormalised after removing them. Beside it, {@code imfUniform}: the same ratio for attention spread evenly over
 * every key a query can see, the value a layer that ignores modality would have.
 *
 * <p><b>Update share</b> (every kind; vlt's adaptation for co-attention and text-side cross-attention, whose self-attention
 * never crosses and whose cross-attention always does, so the attention mass says nothing): the attention's update to a
 * token, split by which keys it came from, ‖from the other modality‖ / (‖from its own‖ + ‖from the other‖), averaged over
 * the non-special tokens that are updated. In merged attention the split is of the one self-attention's output (its
 * weights restricted to each group of keys, through the value and output projections); in co-attention and text-side
 * cross-attention the own part is the self-attention's update and the other the cross-attention's. Output biases and
 * special keys count for neither. Reported per query modality; text-side cross-attention never updates the image.
 */
public final class InterModalityFlow {
  /** One fusion layer's figures; NaN where a figure is not defined for the kind. */
  public record Layer(int index, double imf, double imfUniform, double shareText, double shareImage, double share) {}

  private InterModalityFlow() {}

  /**
   * The figures over many pairs, in batches of {@code batch} through the model's preprocessing and tokenizer; each batch's
   * figures weigh by its number of pairs.
   */
  public static List<Layer> measure(Meter model, ModelInputs inputs, List<Raster8> images, List<String> texts, int batch) {
    if (images.size() != texts.size() || images.isEmpty()) {
      throw new IllegalArgumentException(images.size() + " images for " + texts.size() + " texts");
    }
    double[][] sums = null;
    double[][] weights = null;
    for (int from = 0; from < images.size(); from += batch) {
      int to = Math.min(images.size(), from + batch);
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
        NDArray ids = inputs.ids(m, texts.subList(from, to));
        List<Layer> part = measure(model, inputs.pixels(m, images.subList(from, to)), ids, inputs.attention(ids));
        if (sums == null) {
          sums = new double[part.size()][5];
          weights = new double[part.size()][5];
        }
        for (int i = 0; i < part.size(); i++) {
          Layer l = part.get(i);
          double[] v = {l.imf(), l.imfUniform(), l.shareText(), l.shareImage(), l.share()};
          for (int k = 0; k < 5; k++) {
            if (Double.isNaN(v[k])) continue;
            sums[i][k] += v[k] * (to - from);
            weights[i][k] += to - from;
          }
        }
      }
    }
    List<Layer> out = new ArrayList<>();
    for (int i = 0; i < sums.length; i++) {
      double[] mean = new double[5];
      for (int k = 0; k < 5; k++) mean[k] = weights[i][k] == 0 ? Double.NaN : sums[i][k] / weights[i][k];
      out.add(new Layer(i, mean[0], mean[1], mean[2], mean[3], mean[4]));
    }
    return out;
  }

  /** images [B, 3, S, S], ids and atts [B, L] (1 = token) → one {@link Layer} per fusion layer. */
  public static List<Layer> measure(Meter model, NDArray images, NDArray ids, NDArray atts) {
    try (NoGrad ignored = NoGrad.open()) {
      NDArray text = model.encodeText(ids, atts);                                     // [B, L, H]
      NDArray image = model.encodeImage(images);                                      // [B, 1+N, H]
      NDArray textMask = Ops.keyPaddingMask(atts, text.getDataType());
      Tokens tokens = Tokens.of(atts, image.getShape().get(1), text.getDataType());
      if (model.fusion() instanceof MergedAttention m) return merged(m, text, image, textMask, tokens);
      if (model.fusion() instanceof CoAttention c) {
        return coAttention(c.textLayers().items(), c.imageLayers().items(), text, image, textMask, tokens);
      }
      TextCrossAttention t = (TextCrossAttention) model.fusion();                      // the sealed type's last kind
      return coAttention(t.textLayers().layers(), List.of(), text, image, textMask, tokens);
    }
  }

  /**
   * Which tokens count: {@code text} [B, L] and {@code image} [B, N] are 1 for non-special tokens (queries and keys the
   * figures read), {@code seenText} [B, L] 1 for every real text token (what attention can see).
   */
  record Tokens(NDArray text, NDArray image, NDArray seenText) {
    static Tokens of(NDArray atts, long imageTokens, DataType type) {
      long[] a = atts.toType(DataType.INT64, false).toLongArray();
      int b = Math.toIntExact(atts.getShape().get(0));
      int l = Math.toIntExact(atts.getShape().get(1));
      float[] t = new float[a.length];
      for (int i = 0; i < b; i++) {
        int last = -1;
        for (int j = 0; j < l; j++) if (a[i * l + j] != 0) last = j;
        for (int j = 1; j < last; j++) t[i * l + j] = a[i * l + j] != 0 ? 1 : 0;   // not the first, not the last real token
      }
      NDManager m = atts.getManager();
      float[] v = new float[Math.toIntExact(b * imageTokens)];
      for (int i = 0; i < b; i++) for (int j = 1; j < imageTokens; j++) v[Math.toIntExact(i * imageTokens + j)] = 1;  // not [CLS]
      return new Tokens(m.create(t, new Shape(b, l)).toType(type, false), m.create(v, new Shape(b, imageTokens)).toType(type, false),
          atts.toType(type, false));
    }
  }

  private static List<Layer> merged(MergedAttention fusion, NDArray text, NDArray image, NDArray textMask, Tokens tokens) {
    long l = text.getShape().get(1);
    long n = image.getShape().get(1);
    NDArray x = NDArrays.concat(new NDList(text, image), 1);                           // [B, T, H]
    NDArray mask = NDArrays.concat(new NDList(textMask, textMask.getManager().zeros(new Shape(textMask.getShape().get(0), 1, 1, n),
        textMask.getDataType())), 3);
    NDArray valid = NDArrays.concat(new NDList(tokens.text(), tokens.image()), 1);    // [B, T]
    NDArray isImage = NDArrays.concat(new NDList(tokens.text().zerosLike(), tokens.image().onesLike()), 1);
    NDArray pair = valid.expandDims(2).mul(valid.expandDims(1));                       // [B, T, T] both ends count
    NDArray differ = isImage.expandDims(2).sub(isImage.expandDims(1)).abs();           // 1 where query and key differ
    NDArray cross = pair.mul(differ).expandDims(1);                                    // [B, 1, T, T]
    NDArray same = pair.sub(pair.mul(differ)).expandDims(1);
    NDArray seen = NDArrays.concat(new NDList(tokens.seenText(), tokens.image().onesLike()), 1);   // [B, T] visible keys
    NDArray uniform = seen.div(seen.sum(new int[] {1}, true)).expandDims(1).broadcast(new Shape(x.getShape().get(0),
        x.getShape().get(1), x.getShape().get(1))).expandDims(1);                     // [B, 1, T, T]
    List<Layer> out = new ArrayList<>();
    int index = 0;
    for (PostNormBlock layer : fusion.layers().items()) {
      QkvAttention attn = layer.attention();
      NDArray w = attn.weights(x, x, mask);                                            // [B, heads, T, T]
      double imf = massRatio(w, cross, same);
      double imfUniform = massRatio(uniform, cross, same);
      NDArray fromOther = attn.mix(w.mul(cross), x);                                   // [B, T, H]
      NDArray fromOwn = attn.mix(w.mul(same), x);
      NDArray share = share(fromOwn, fromOther);                                       // [B, T]
      NDArray textQueries = NDArrays.concat(new NDList(tokens.text(), tokens.image().zerosLike()), 1);
      NDArray imageQueries = NDArrays.concat(new NDList(tokens.text().zerosLike(), tokens.image()), 1);
      out.add(new Layer(index++, imf, imfUniform, mean(share, textQueries), mean(share, imageQueries), mean(share, valid)));
      x = layer.forward(x, mask);
    }
    return out;
  }

  /** Co-attention (both streams) or text-side cross-attention (no image layers: the image tokens are only read). */
  private static List<Layer> coAttention(List<PostNormCrossBlock> textLayers, List<PostNormCrossBlock> imageLayers, NDArray text,
      NDArray image, NDArray textMask, Tokens tokens) {
    List<Layer> out = new ArrayList<>();
    NDArray x = text;
    NDArray y = image;
    for (int i = 0; i < textLayers.size(); i++) {
      NDArray[] t = streamShares(textLayers.get(i), x, textMask, tokens.text(), y, null, tokens.image());
      double shareText = mean(t[0], tokens.text());
      double shareImage = Double.NaN;
      double share = shareText;
      if (!imageLayers.isEmpty()) {
        NDArray[] v = streamShares(imageLayers.get(i), y, null, tokens.image(), x, textMask, tokens.text());
        shareImage = mean(v[0], tokens.image());
        share = mean(NDArrays.concat(new NDList(t[0], v[0]), 1), NDArrays.concat(new NDList(tokens.text(), tokens.image()), 1));
      }
      out.add(new Layer(i, Double.NaN, Double.NaN, shareText, shareImage, share));
      NDArray x1 = textLayers.get(i).forward(x, textMask, y, null);
      NDArray y1 = imageLayers.isEmpty() ? y : imageLayers.get(i).forward(y, null, x, textMask);
      x = x1;
      y = y1;
    }
    return out;
  }

  /**
   * One stream's layer: the self-attention's update from its own non-special keys, then (on the state after it, as the
   * layer computes) the cross-attention's update from the other stream's non-special keys → {share [B, L]}.
   */
  private static NDArray[] streamShares(PostNormCrossBlock layer, NDArray x, NDArray selfMask, NDArray ownKeys, NDArray kv,
      NDArray crossMask, NDArray otherKeys) {
    NDArray ws = layer.attention().weights(x, x, selfMask);                             // [B, heads, L, L]
    NDArray fromOwn = layer.attention().mix(ws.mul(ownKeys.expandDims(1).expandDims(1)), x);
    NDArray after = layer.attentionNorm().forward(x.add(layer.attention().forward(x, selfMask)));
    NDArray wc = layer.crossAttention().weights(after, kv, crossMask);                  // [B, heads, L, S]
    NDArray fromOther = layer.crossAttention().mix(wc.mul(otherKeys.expandDims(1).expandDims(1)), kv);
    return new NDArray[] {share(fromOwn, fromOther)};
  }

  /** Per token ‖other‖ / (‖own‖ + ‖other‖) → [B, T]. */
  private static NDArray share(NDArray own, NDArray other) {
    NDArray o = other.norm(new int[] {-1});
    NDArray s = own.norm(new int[] {-1});
    return o.div(o.add(s).add(1e-12f));
  }

  /** Σ w·cross / Σ w·(cross + same) per sample and head, averaged over both. */
  private static double massRatio(NDArray w, NDArray cross, NDArray same) {
    NDArray c = w.mul(cross).sum(new int[] {2, 3});                                     // [B, heads]
    NDArray all = c.add(w.mul(same).sum(new int[] {2, 3}));
    return c.div(all.add(1e-12f)).mean().toType(DataType.FLOAT64, false).getDouble();
  }

  /** The mean of values [B, T] over the tokens where {@code where} [B, T] is 1. */
  private static double mean(NDArray values, NDArray where) {
    double n = where.sum().toType(DataType.FLOAT64, false).getDouble();
    return n == 0 ? Double.NaN : values.mul(where).sum().toType(DataType.FLOAT64, false).getDouble() / n;
  }
}
