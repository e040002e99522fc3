package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.ImageTextMatching;
import dev.vlt.models.ModelModule;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Momentum;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;

/**
 * ALBEF for image-text retrieval, laid out as torchmultimodal's ALBEFModelForRetrieval: {@code model_with_similarity}
 * (the encoders under {@code albef_model}, the projections {@code vision_proj} / {@code text_proj} to the contrastive space
 * and their momentum copies, the learned temperature {@code temp}, and the feature queues) and the matching head
 * {@code itm_head}.
 *
 * <p>One training step, in ALBEF's order: {@link #momentumUpdate()}; {@link #trainingForward} (online and momentum encodings,
 * features and similarities against the queue); the contrastive loss and hard-negative mining on its similarities;
 * {@link #matchWithNegatives} for the matching loss; backward and the optimizer; {@link #enqueue} of the batch's momentum
 * features. Retrieval at test time uses {@link #encodeImage}, {@link #encodeText} and {@link #match}.
 */
public final class AlbefRetrieval extends Module implements ModelModule, ImageTextMatching {
  private final AlbefRetrievalConfig cfg;
  private final WithSimilarity sim;
  private final Linear itmHead;

  public AlbefRetrieval(AlbefRetrievalConfig cfg) {
    this.cfg = cfg;
    sim = child("model_with_similarity", new WithSimilarity(cfg));
    itmHead = child("itm_head", new Linear(cfg.hiddenSize(), 2));
  }

  /** torchmultimodal's ALBEFModelWithSimilarity: everything but the ITM head. */
  private static final class WithSimilarity extends Module {
    final Parameter temp;
    final AlbefModel albef;
    final Linear visionProj;
    final Linear textProj;
    final Linear visionProjM;
    final Linear textProjM;
    final FeatureQueue queue;

    WithSimilarity(AlbefRetrievalConfig cfg) {
      temp = param("temp", new Init.Constant(cfg.temp()));                          // shape []: divides similarities
      albef = child("albef_model", new AlbefModel(cfg.vision(), cfg.text(), cfg.fusion(), cfg.momentum()));
      visionProj = child("vision_proj", new Linear(cfg.hiddenSize(), cfg.embedSize()));
      textProj = child("text_proj", new Linear(cfg.hiddenSize(), cfg.embedSize()));
      visionProjM = child("vision_proj_m", new Linear(cfg.hiddenSize(), cfg.embedSize()));
      textProjM = child("text_proj_m", new Linear(cfg.hiddenSize(), cfg.embedSize()));
      visionProjM.freeze(true);
      textProjM.freeze(true);
      queue = inline(new FeatureQueue(cfg.embedSize(), cfg.queueSize()));          // image_queue, text_queue, ...
    }
  }

  /** A tower's token states [B, N, H] and its normalised contrastive feature [B, E] from the [CLS] state. */
  public record Encoded(NDArray embeds, NDArray features) {}

  /** images [B, 3, S, S] → image tokens and features. */
  public Encoded encodeImage(NDArray images) {
    NDArray embeds = sim.albef.visionEncoder().forward(images);
    return new Encoded(embeds, feature(sim.visionProj, embeds));
  }

  /** ids and atts [B, L] → text states and features. */
  public Encoded encodeText(NDArray ids, NDArray atts) {
    NDArray embeds = sim.albef.textEncoder().forward(ids, atts);
    return new Encoded(embeds, feature(sim.textProj, embeds));
  }

  private static NDArray feature(Linear proj, NDArray embeds) {
    return Ops.l2Normalize(projected(proj, embeds));
  }

  private static NDArray projected(Linear proj, NDArray embeds) {
    return proj.forward(embeds.get(new NDIndex(":, 0")));
  }

  /** The contrastive projection of image tokens' [CLS] [B, 1 + g², H] → [B, E], before normalisation. */
  public NDArray projectImage(NDArray imageEmbeds) {
    return projected(sim.visionProj, imageEmbeds);
  }

  /** The same for text states [B, L, H] → [B, E]. */
  public NDArray projectText(NDArray textEmbeds) {
    return projected(sim.textProj, textEmbeds);
  }

  /** The ITM head: fused [CLS] states [N, H] → (no match, match) logits [N, 2]. */
  public NDArray itmLogits(NDArray cls) {
    return itmHead.forward(cls);
  }

  /** Matching of given pairs: image tokens [B, S, H], text states and atts [B, L(, H)], row i with row i. */
  public MatchOutput match(NDArray imageEmbeds, NDArray textEmbeds, NDArray atts) {
    NDArray fused = sim.albef.fuse(textEmbeds, atts, imageEmbeds);
    return new MatchOutput(fused, itmHead.forward(fused.get(new NDIndex(":, 0"))));
  }

  /** ALBEF's matching score at test time: softmax of the ITM head over the fused [CLS], the "match" column. */
  @Override
  public NDArray matchProbability(NDArray images, NDArray ids, NDArray atts) {
    try (NoGrad ignored = NoGrad.open()) {
      NDArray image = encodeImage(images).embeds();
      NDArray text = encodeText(ids, atts).embeds();
      return match(image, text, atts).logits().softmax(1).get(new NDIndex(":, 1"));
    }
  }

  /** p_m ← p_m·m + p·(1 − m) for every momentum copy (encoders and projections). Call before {@link #trainingForward}. */
  public void momentumUpdate() {
    sim.albef.momentumUpdate();
    Momentum.update(sim.visionProj, sim.visionProjM, cfg.momentum());
    Momentum.update(sim.textProj, sim.textProjM, cfg.momentum());
  }

  /** Sets every momentum copy to its online module, as ALBEF's copies start; call after initialising the weights. */
  public void resetMomentum() {
    sim.albef.resetMomentum();
    Momentum.copy(sim.visionProj, sim.visionProjM);
    Momentum.copy(sim.textProj, sim.textProjM);
  }

  /**
   * The training forward: both encodings of the batch, contrastive features, and similarities of the online features
   * against [the batch's momentum features | the queue], divided by the learned temperature (not clamped, as in
   * torchmultimodal; ALBEF's own code clamps it to [0.001, 0.5]).
   *
   * @param images [B, 3, S, S]; @param ids and @param atts [B, L]
   * @param idx sample ids [B]: pairs with equal ids (several captions of one image) are positives of each other
   */
  public RetrievalOutput trainingForward(NDArray images, NDArray ids, NDArray atts, NDArray idx) {
    AlbefEncoding online = sim.albef.encode(images, ids, atts);
    AlbefEncoding momentum = sim.albef.encodeMomentum(images, ids, atts);
    NDArray imageFeat = feature(sim.visionProj, online.image());
    NDArray textFeat = feature(sim.textProj, online.text());
    NDArray temp = sim.temp.value();
    NDArray imageFeatM;
    NDArray textFeatM;
    NDArray imageAll;
    NDArray textAll;
    NDArray simI2tM;
    NDArray simT2iM;
    try (NoGrad ignored = NoGrad.open()) {
      imageFeatM = feature(sim.visionProjM, momentum.image());
      textFeatM = feature(sim.textProjM, momentum.text());
      imageAll = NDArrays.concat(new NDList(imageFeatM.transpose(), sim.queue.images()), 1);      // [E, B+Q]
      textAll = NDArrays.concat(new NDList(textFeatM.transpose(), sim.queue.texts()), 1);
      simI2tM = imageFeatM.matMul(textAll).div(temp);
      simT2iM = textFeatM.matMul(imageAll).div(temp);
    }
    NDArray simI2t = imageFeat.matMul(textAll).div(temp);                                         // [B, B+Q]
    NDArray simT2i = textFeat.matMul(imageAll).div(temp);
    return new RetrievalOutput(online, momentum, atts, imageFeat, textFeat, imageFeatM, textFeatM, simI2t, simT2i,
        simI2tM, simT2iM, idx, sim.queue.ids());
  }

  /**
   * The matching pass: the B positive pairs' fused [CLS] (from {@link #trainingForward}) and 2B negatives, each text with a mined
   * image and each image with a mined text, through the fusion and the ITM head.
   *
   * @param negativeImages for text b, the index of the image it is paired with
   * @param negativeTexts for image b, the index of the text it is paired with
   */
  public ItmOutput matchWithNegatives(RetrievalOutput out, long[] negativeImages, long[] negativeTexts) {
    int b = out.batchSize();
    if (negativeImages.length != b || negativeTexts.length != b) {
      throw new IllegalArgumentException("need one negative image and one negative text per pair: " + negativeImages.length
          + " and " + negativeTexts.length + " for " + b + " pairs");
    }
    for (int i = 0; i < b; i++) {
      if (negativeImages[i] < 0 || negativeImages[i] >= b || negativeTexts[i] < 0 || negativeTexts[i] >= b) {
        throw new IllegalArgumentException("negative indices for pair " + i + " must be below the batch size " + b);
      }
    }
    AlbefEncoding online = out.online();
    NDArray imgRows = online.image().getManager().create(negativeImages);
    NDArray txtRows = online.image().getManager().create(negativeTexts);
    NDArray text = NDArrays.concat(new NDList(online.text(), online.text().get(new NDIndex("{}", txtRows))));
    NDArray atts = NDArrays.concat(new NDList(out.textAtts(), out.textAtts().get(new NDIndex("{}", txtRows))));
    NDArray image = NDArrays.concat(new NDList(online.image().get(new NDIndex("{}", imgRows)), online.image()));
    NDArray fused = sim.albef.fuse(text, atts, image);                                            // [2B, L, H]
    NDArray cls = NDArrays.concat(new NDList(online.multimodal().get(new NDIndex(":, 0")), fused.get(new NDIndex(":, 0"))));
    return new ItmOutput(text, atts, image, fused, cls, itmHead.forward(cls), b);
  }

  /** Puts the batch's momentum features and ids into the queues (after the step, as ALBEF's dequeue-and-enqueue). */
  public void enqueue(RetrievalOutput out) {
    sim.queue.enqueue(out.imageFeatM(), out.textFeatM(), out.idx());
  }

  public Parameter temp() {
    return sim.temp;
  }

  public FeatureQueue queue() {
    return sim.queue;
  }

  public AlbefModel albef() {
    return sim.albef;
  }

  @Override
  public AlbefRetrievalConfig config() {
    return cfg;
  }
}
