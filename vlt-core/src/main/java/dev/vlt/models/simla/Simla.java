package dev.vlt.models.simla;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.vlt.models.GroundingModel;
import dev.vlt.models.ImageEmbedding;
import dev.vlt.models.ImageTextMatching;
import dev.vlt.models.ModelModule;
import dev.vlt.models.TextEmbedding;
import dev.vlt.models.albef.AlbefModel;
import dev.vlt.models.albef.AlbefRetrieval;
import dev.vlt.models.albef.ItmOutput;
import dev.vlt.models.albef.RetrievalOutput;
import dev.vlt.models.bert.BertPredictionHead;
import dev.vlt.models.bert.PredictionHeadConfig;
import dev.vlt.models.fusion.CrossAttentionFusion;
import dev.vlt.models.grounding.PatchBoxes;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * SimLA (Khan et al. 2022): alignment at three levels on ALBEF's encoders ({@code albef}: ViT, BERT, a cross-attention
 * fusion, momentum copies, contrastive projections with a feature queue and the matching head).
 * <ul>
 *   <li>global: ALBEF's momentum-distilled contrastive loss and matching on mined hard negatives;
 *   <li>fine-grained, symmetric cross-modal reconstruction (XMM): the one fusion encoder read both ways — masked text
 *       attending to the image predicts its tokens ({@code mlm_head}), and a masked image attending to the text predicts the
 *       pixels of its hidden patches ({@code xmm_head}; SimLA predicts DALL-E tokens, vlt has no visual tokenizer, so the
 *       targets are pixels as in MAE);
 *   <li>conceptual, pseudo-keyword prediction (PSL): the caption positions the momentum fusion's last layer attends to
 *       from [CLS] become a multi-hot target over the vocabulary, predicted from the image's contrastive feature
 *       ({@code psl_head}).
 * </ul>
 * Grounding: Grad-CAM of the matching score over one fusion layer's text→image cross-attention gives a heat map over the
 * patches, and the patch-grid box proposal it singles out ({@link PatchBoxes#best}) is the answer.
 */
public final class Simla extends Module implements ModelModule, ImageEmbedding, TextEmbedding, ImageTextMatching, GroundingModel {
  /** One Grad-CAM at a time: DJL allows one gradient collector per process. */
  private static final Object GRADIENT_LOCK = new Object();

  private final SimlaConfig cfg;
  private final AlbefRetrieval albef;
  private final BertPredictionHead mlmHead;
  private final Linear xmmHead;
  private final Linear pslHead;
  private final PatchBoxes proposals;

  public Simla(SimlaConfig cfg) {
    this.cfg = cfg;
    int h = cfg.hiddenSize();
    int p = cfg.albef().vision().patchSize();
    albef = child("albef", new AlbefRetrieval(cfg.albef()));
    mlmHead = child("mlm_head", new BertPredictionHead(new PredictionHeadConfig(h, cfg.vocabSize(),
        cfg.albef().text().embeddings().layerNormEps())));
    xmmHead = child("xmm_head", new Linear(h, p * p * 3));                           // one patch's pixels, MAE's order
    pslHead = child("psl_head", new Linear(cfg.albef().embedSize(), cfg.vocabSize()));
    proposals = PatchBoxes.of(cfg.albef().vision().grid(), cfg.boxMinPatches(), cfg.boxMaxPatches());
  }

  private AlbefModel encoders() {
    return albef.albef();
  }

  /** ALBEF's training forward: online and momentum encodings, features and similarities against the queue. */
  public RetrievalOutput contrast(NDArray images, NDArray ids, NDArray atts, NDArray idx) {
    return albef.trainingForward(images, ids, atts, idx);
  }

  /** ALBEF's matching pass over the positives and the mined negatives. */
  public ItmOutput matchWithNegatives(RetrievalOutput out, long[] negativeImages, long[] negativeTexts) {
    return albef.matchWithNegatives(out, negativeImages, negativeTexts);
  }

  /**
   * XMM's text side: masked captions [B, L] (atts [B, L]) attend to the image tokens [B, 1 + N, H] through the fusion;
   * the states at the flat positions {@code rows} (b·L + t) [K] → token logits [K, V].
   */
  public NDArray maskedTextLogits(NDArray maskedIds, NDArray atts, NDArray imageEmbeds, NDArray rows) {
    NDArray text = encoders().textEncoder().forward(maskedIds, atts);
    NDArray fused = encoders().fuse(text, atts, imageEmbeds);                               // [B, L, H]
    NDArray picked = fused.reshape(-1, cfg.hiddenSize()).get(new NDIndex("{}", rows));      // [K, H]
    return mlmHead.forward(picked);
  }

  /**
   * XMM's image side, the same fusion with the roles swapped: the masked image's tokens [B, 1 + N, H] are the queries and
   * the caption's unimodal states [B, L, H] (atts [B, L]) the keys → predicted pixels of every patch [B, N, p·p·3].
   */
  public NDArray maskedImagePixels(NDArray maskedImages, NDArray textEmbeds, NDArray atts) {
    NDArray image = encoders().visionEncoder().forward(maskedImages);
    NDArray fused = encoders().multimodalEncoder().forward(image, null, textEmbeds,
        Ops.keyPaddingMask(atts, textEmbeds.getDataType()));                                 // [B, 1+N, H]
    return xmmHead.forward(fused.get(new NDIndex(":, 1:")));
  }

  /**
   * PSL's evidence, without autograd: the momentum fusion's last-layer self-attention from [CLS] to every caption position
   * [B, heads, L], over the momentum encodings of the pairs.
   */
  public NDArray keywordAttention(RetrievalOutput out) {
    CrossAttentionFusion fusion = encoders().multimodalEncoderMomentum();
    NDArray[] seen = new NDArray[1];
    try (NoGrad ignored = NoGrad.open()) {
      NDArray text = out.momentum().text();
      fusion.forward(text, Ops.keyPaddingMask(out.textAtts(), text.getDataType()), out.momentum().image(), null,
          cfg.albef().fusion().layers() - 1, w -> seen[0] = w, UnaryOperator.identity());
      return seen[0].get(new NDIndex(":, :, 0, :"));
    }
  }

  /** PSL's prediction: keyword logits over the vocabulary [B, V] from the image's contrastive feature [B, E]. */
  public NDArray keywordLogits(NDArray imageFeat) {
    return pslHead.forward(imageFeat);
  }

  public void momentumUpdate() {
    albef.momentumUpdate();
  }

  public void resetMomentum() {
    albef.resetMomentum();
  }

  public void enqueue(RetrievalOutput out) {
    albef.enqueue(out);
  }

  public Parameter temp() {
    return albef.temp();
  }

  public PatchBoxes proposals() {
    return proposals;
  }

  /**
   * Grad-CAM's evidence for B pairs.
   *
   * @param weights the cross-attention weights of layer {@code gradcam_layer} [B, heads, L, 1 + N]
   * @param grads the gradient of each pair's "match" logit with respect to them, same shape
   * @param maps heat over the patches [B, N] ({@link GradCam#map})
   * @param probability each pair's match probability [B]
   */
  public record Heat(NDArray weights, NDArray grads, NDArray maps, NDArray probability) {}

  /**
   * Grad-CAM for B pairs at once: the fusion runs with layer {@code gradcam_layer}'s cross-attention replaced by a leaf
   * copy of itself, the summed "match" logits are back-propagated (each row's gradient is its own score's, the rows being
   * independent), and {@link GradCam#map} turns weights and gradients into heat. The model's parameters are frozen
   * meanwhile, so nothing but the leaf receives a gradient; it works inside a no-grad scope (it opens its own collector,
   * so not inside a training step's).
   *
   * @param images [B, 3, S, S]; @param ids [B, L] padded with {@link #padId()}
   */
  public Heat gradCam(NDArray images, NDArray ids) {
    NDArray atts = ids.neq(padId()).toType(DataType.INT64, false);
    NDArray[] leaf = new NDArray[1];
    synchronized (GRADIENT_LOCK) {
      List<Parameter> frozen = new ArrayList<>();
      for (Parameter p : namedParameters().values()) {
        if (!p.isFrozen()) {
          p.setFrozen(true);
          frozen.add(p);
        }
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = matchLogits(images, ids, w -> {
          leaf[0] = w.stopGradient();
          leaf[0].setRequiresGradient(true);
          return leaf[0];
        });
        gc.backward(logits.get(new NDIndex(":, 1")).sum());
        try (NoGrad ignored = NoGrad.open()) {
          NDArray grads = leaf[0].getGradient().duplicate();
          return new Heat(leaf[0].stopGradient(), grads, GradCam.map(leaf[0], grads, atts),
              logits.softmax(1).get(new NDIndex(":, 1")));
        }
      } finally {
        for (Parameter p : frozen) p.setFrozen(false);
      }
    }
  }

  /**
   * The matching logits [B, 2] of B pairs with layer {@code gradcam_layer}'s cross-attention weights passed through
   * {@code crossWeights}; the towers run without autograd, the fusion in the caller's grad mode.
   */
  NDArray matchLogits(NDArray images, NDArray ids, UnaryOperator<NDArray> crossWeights) {
    NDArray atts = ids.neq(padId()).toType(DataType.INT64, false);
    NDArray image;
    NDArray text;
    try (NoGrad ignored = NoGrad.open()) {
      image = encoders().visionEncoder().forward(images);
      text = encoders().textEncoder().forward(ids, atts);
    }
    NDArray fused = encoders().multimodalEncoder().forward(text, Ops.keyPaddingMask(atts, text.getDataType()), image, null,
        cfg.gradcamLayer(), UnaryOperator.identity(), crossWeights);
    return albef.itmLogits(fused.get(new NDIndex(":, 0")));
  }

  /** The proposal each heat map singles out, as normalised (cx, cy, w, h), and the pair's matching probability as score. */
  @Override
  public GroundingOutput ground(NDArray images, NDArray ids) {
    Heat heat = gradCam(images, ids);
    int b = Math.toIntExact(ids.getShape().get(0));
    float[] boxes = new float[4 * b];
    for (int i = 0; i < b; i++) {
      float[] q = proposals.box(proposals.best(GradCam.row(heat.maps(), i), cfg.boxLevel()));
      boxes[4 * i] = (q[0] + q[2]) / 2;
      boxes[4 * i + 1] = (q[1] + q[3]) / 2;
      boxes[4 * i + 2] = q[2] - q[0];
      boxes[4 * i + 3] = q[3] - q[1];
    }
    return new GroundingOutput(images.getManager().create(boxes).reshape(b, 4), heat.probability());
  }

  @Override
  public int padId() {
    return cfg.padId();
  }

  @Override
  public NDArray matchProbability(NDArray images, NDArray ids, NDArray atts) {
    return albef.matchProbability(images, ids, atts);
  }

  @Override
  public NDArray encodeImage(NDArray images, boolean normalize) {
    NDArray f = albef.projectImage(encoders().visionEncoder().forward(images));
    return normalize ? Ops.l2Normalize(f) : f;
  }

  @Override
  public NDArray encodeText(NDArray ids, boolean normalize) {
    NDArray atts = ids.neq(padId()).toType(DataType.INT64, false);
    NDArray f = albef.projectText(encoders().textEncoder().forward(ids, atts));
    return normalize ? Ops.l2Normalize(f) : f;
  }

  @Override
  public int imageSize() {
    return cfg.imageSize();
  }

  @Override
  public int contextLength() {
    return cfg.tokenizerSpec().contextLength();
  }

  @Override
  public int embedDim() {
    return cfg.albef().embedSize();
  }

  @Override
  public SimlaConfig config() {
    return cfg;
  }
}
