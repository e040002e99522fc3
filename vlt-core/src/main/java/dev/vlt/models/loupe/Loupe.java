package dev.vlt.models.loupe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.GroundingModel;
import dev.vlt.models.ModelModule;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.grounding.PatchBoxes;
import dev.vlt.tensor.Boxes;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Trace;

/**
 * LOUPE (Li et al., NeurIPS 2022, "Fine-Grained Semantically Aligned Vision-Language Pre-Training"), at the scale of
 * this machine: a CLIP whose patch tokens are the players of a game, the game's value the CLIP's own image-phrase
 * similarity with the other patches masked out of the image embedding's mean pool ({@link ShapleyInteraction.CosineGame}).
 * The sampled interaction of a candidate region's patches is the pseudo-label that trains the region head
 * ({@link RegionHead}): among a phrase's candidate regions, the one whose patches interact most (per member,
 * {@link RegionGames#perMember}) is the target. The
 * neural Shapley module ({@link ShapleyModule}) predicts each interaction with an uncertainty and is used in place of
 * sampling where it is sure. Grounding is zero-shot, without a box ever seen: the region head's patch-phrase map picks
 * among the patch rectangles of {@link PatchBoxes}.
 *
 * <p>CLIP's parameters keep open_clip's names; the heads are under {@code region_head.} and {@code shapley_module.}, and
 * {@code region_logit_scale} is the inverse temperature of the region scores in the pseudo-label loss.
 */
public final class Loupe extends Module implements ContrastiveModel, GroundingModel, ModelModule {
  private final LoupeConfig cfg;
  private final Clip clip;
  private final RegionHead regionHead;
  private final ShapleyModule shapley;
  private final Parameter regionScale;
  private final PatchBoxes candidates;

  public Loupe(LoupeConfig cfg) {
    this.cfg = cfg;
    clip = inline(new Clip(cfg.clip()));
    int e = cfg.clip().embedDim();
    regionHead = child("region_head", new RegionHead(cfg.clip().vision().width(), cfg.hidden(), e));
    shapley = child("shapley_module", new ShapleyModule(2 * e + 1, cfg.shapleyHidden(), cfg.uncertaintyThreshold()));
    regionScale = param("region_logit_scale", new Init.Constant(0));                  // shape []: log of the inverse temperature
    candidates = PatchBoxes.of(cfg.clip().vision().grid(), cfg.minSide(), cfg.maxSide());
  }

  /**
   * One forward of the image tower, kept for everything LOUPE does with it.
   *
   * @param tokens patch tokens after ln_post [B, P, W]
   * @param projected the tokens through the image projection, e_p [B, P, E]; their mean is the image embedding
   */
  public record Patches(NDArray tokens, NDArray projected) {
    /** The image features (not normalised) [B, E]: the mean pool of the projected patches. */
    public NDArray image() {
      return projected.mean(new int[] {1});
    }
  }

  /** images [B, 3, S, S] → {@link Patches}. */
  public Patches patches(NDArray images) {
    NDArray tokens = clip.visual().forwardTokens(images, Trace.NONE).get(":, 1:, :");   // [B, P, W]
    return new Patches(tokens, tokens.matMul(clip.visual().proj().value()));
  }

  /**
   * The region head's map: cos(e_p + Δ(x_p), t) for each patch p of the row's image and the row's phrase, [J, P]. The
   * patch tokens and projections enter detached: the head learns from its pseudo-labels without moving the towers.
   *
   * @param tokens [J, P, W] patch tokens of each phrase's image
   * @param projected [J, P, E] their projections
   * @param text [J, E] normalised phrase embeddings
   */
  public NDArray regionMap(NDArray tokens, NDArray projected, NDArray text) {
    NDArray p = projected.stopGradient().add(regionHead.forward(tokens.stopGradient()));
    return Ops.l2Normalize(p).matMul(text.stopGradient().expandDims(2)).squeeze(2);
  }

  /** The plain patch-phrase cosine cos(e_p, t), [J, P]: the map without the head (the ablation's). */
  public static NDArray plainMap(NDArray projected, NDArray text) {
    return Ops.l2Normalize(projected).matMul(text.expandDims(2)).squeeze(2);
  }

  /**
   * The neural Shapley module's input for each (phrase, region): the phrase-weighted mean projected patch inside the
   * region and outside it, and the region's share of the patches, [J, n, 2E + 1]; detached.
   *
   * @param projected [J, P, E] the projected patches of each phrase's image
   * @param masks [J, n, P] 1 on the region's patches
   * @param text [J, E] normalised phrase embeddings
   */
  public static NDArray shapleyFeatures(NDArray projected, NDArray masks, NDArray text) {
    NDArray e = projected.stopGradient();
    NDArray t = text.stopGradient().expandDims(1);                                    // [J, 1, E]
    long patches = masks.getShape().get(2);
    NDArray size = masks.sum(new int[] {2}, true);                                     // [J, n, 1]
    NDArray outside = masks.neg().add(1);
    NDArray in = masks.matMul(e).div(size.maximum(1)).mul(t);                          // [J, n, E]
    NDArray out = outside.matMul(e).div(size.neg().add(patches).maximum(1)).mul(t);   // [J, n, E]
    return NDArrays.concat(new NDList(in, out, Ops.div(size, patches)), 2);
  }

  /** features [..., 2E + 1] → the predicted interaction's mean and log-variance [..., 2]. */
  public NDArray predictInteraction(NDArray features) {
    return shapley.forward(features);
  }

  @Override
  public GroundingOutput ground(NDArray images, NDArray ids) {
    Patches p = patches(images);
    NDArray text = encodeText(ids, true);
    NDArray map = cfg.regionHead() ? regionMap(p.tokens(), p.projected(), text) : plainMap(p.projected(), text);
    int b = (int) map.getShape().get(0);
    int players = (int) map.getShape().get(1);
    float[] all = map.toFloatArray();
    float[] boxes = new float[4 * b];
    float[] scores = new float[b];
    for (int i = 0; i < b; i++) {
      float[] row = java.util.Arrays.copyOfRange(all, i * players, (i + 1) * players);
      int best = candidates.best(row);
      float[] c = Boxes.toCxcywh(candidates.box(best));
      System.arraycopy(c, 0, boxes, 4 * i, 4);
      double sum = 0;
      int n = 0;
      for (int q = 0; q < players; q++) {
        if (candidates.contains(best, q)) {
          sum += row[q];
          n++;
        }
      }
      scores[i] = (float) (sum / n);
    }
    NDManager m = images.getManager();
    return new GroundingOutput(m.create(boxes, new Shape(b, 4)), m.create(scores));
  }

  @Override
  public int padId() {
    return 0;  // CLIP's tokenizers pad with 0 and the text tower pools at the end token, never at padding
  }

  @Override
  public NDArray imageFeatures(NDArray images, Trace trace) {
    return clip.imageFeatures(images, trace);
  }

  @Override
  public NDArray textFeatures(NDArray ids, Trace trace) {
    return clip.textFeatures(ids, trace);
  }

  @Override
  public Parameter logitScale() {
    return clip.logitScale();
  }

  @Override
  public int imageSize() {
    return clip.imageSize();
  }

  @Override
  public int contextLength() {
    return clip.contextLength();
  }

  @Override
  public int embedDim() {
    return clip.embedDim();
  }

  /** log of the inverse temperature of region scores in the pseudo-label loss, shape []. */
  public Parameter regionScale() {
    return regionScale;
  }

  public Clip clip() {
    return clip;
  }

  /** The candidate regions (and grounding proposals): every patch rectangle of the configured sides. */
  public PatchBoxes candidates() {
    return candidates;
  }

  @Override
  public LoupeConfig config() {
    return cfg;
  }
}
