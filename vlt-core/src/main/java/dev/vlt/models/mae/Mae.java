package dev.vlt.models.mae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.ImageEmbedding;
import dev.vlt.models.ModelModule;
import dev.vlt.models.PixelReconstruction;
import dev.vlt.models.vit.Vit;
import dev.vlt.nn.Patches;
import dev.vlt.nn.RandomMasking;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Trace;

/**
 * Masked autoencoder (He et al. 2021, facebookresearch/mae's {@code MaskedAutoencoderViT}): a random 75 % of the patches
 * are removed, a ViT encodes only the visible ones (plus the class token), and a light decoder fills the removed places
 * with a shared mask token, puts every token back in its place and predicts each patch's pixels. The loss (in
 * {@code objectives.MaskedPixelLoss}) is taken on the removed patches only.
 *
 * <p>Keys are MAE's: the encoder's at the root ({@code patch_embed}, {@code cls_token}, {@code pos_embed}, {@code blocks},
 * {@code norm}: a timm {@link Vit} without a head), then {@code decoder_embed}, {@code mask_token},
 * {@code decoder_pos_embed}, {@code decoder_blocks}, {@code decoder_norm}, {@code decoder_pred}. Both position tables are
 * MAE's fixed 2-D sin-cos, frozen parameters that checkpoints carry.
 *
 * <p>As an image embedder it runs the encoder on every patch (no masking) and gives the class token after {@code norm},
 * the feature MAE's linear probing reads.
 */
public final class Mae extends Module implements ModelModule, ImageEmbedding, PixelReconstruction {
  private final MaeConfig cfg;
  private final Vit encoder;
  private final RandomMasking masking;
  private final MaeDecoder decoder;

  public Mae(MaeConfig cfg) {
    this.cfg = cfg;
    encoder = inline(new Vit(cfg.encoder()));
    masking = new RandomMasking(cfg.maskRatio());
    decoder = inline(new MaeDecoder(cfg.width(), cfg));
  }

  /**
   * images [B, C, S, S], noise [B, L] (small noise = kept; {@link RandomMasking#noise} draws it from a seed) → latent,
   * prediction [B, L, p·p·C] and mask. Traces MAE's intermediates under {@code encoder.} and {@code decoder.}.
   */
  public MaeOutput forward(NDArray images, NDArray noise, Trace trace) {
    Encoded enc = encode(images, noise, trace);
    NDArray pred = decode(enc.latent(), enc.masking().idsRestore(), trace);
    return new MaeOutput(enc.latent(), pred, enc.masking());
  }

  /** The encoder's output [B, 1 + K, W] and the masking that chose its K patches. */
  public record Encoded(NDArray latent, RandomMasking.Masked masking) {}

  /** MAE's {@code forward_encoder}: embed, mask, prepend the class token, encode the visible patches. */
  public Encoded encode(NDArray images, NDArray noise, Trace trace) {
    Trace t = trace.prefixed("encoder.");
    NDArray x = encoder.embed().patches(images, t);                                       // [B, L, W], + pos_embed[:, 1:]
    t.put("masking_in", x);
    RandomMasking.Masked masked = masking.apply(x, noise);
    t.put("x_masked", masked.kept());                                                     // [B, K, W]
    x = encoder.embed().prependClass(masked.kept());                                      // [B, 1+K, W]: cls gets pos row 0
    t.put("blocks_in", x);
    NDArray latent = encoder.encode(x, t);                                                // blocks, norm
    trace.put("latent", latent);
    return new Encoded(latent, masked);
  }

  /** MAE's {@code forward_decoder}: latent [B, 1 + K, W], idsRestore [B, L] → pixel predictions [B, L, p·p·C]. */
  public NDArray decode(NDArray latent, NDArray idsRestore, Trace trace) {
    return decoder.forward(latent, idsRestore, trace);
  }

  /** images [B, C, S, S] → the pixel targets [B, L, p·p·C], in the prediction's order. */
  public NDArray patchify(NDArray images) {
    return Patches.patchify(images, cfg.patchSize());
  }

  /** predictions [B, L, p·p·C] → images [B, C, S, S] (e.g. for a reconstruction grid). */
  public NDArray unpatchify(NDArray patches) {
    return Patches.unpatchify(patches, cfg.patchSize(), cfg.inChans());
  }

  /** The encoder as a timm ViT (its keys are this model's root keys), e.g. to fine-tune or probe it. */
  public Vit encoder() {
    return encoder;
  }

  @Override
  public MaeConfig config() {
    return cfg;
  }

  /** images [B, C, S, S] → the class token after {@code norm} over all patches [B, W]. */
  @Override
  public NDArray encodeImage(NDArray images, boolean normalize) {
    NDArray cls = encoder.forwardFeatures(images, Trace.NONE).get(new NDIndex(":, 0"));   // [B, W]
    return normalize ? Ops.l2Normalize(cls) : cls;
  }

  @Override
  public int imageSize() {
    return cfg.imageSize();
  }

  @Override
  public int embedDim() {
    return cfg.width();
  }

  @Override
  public Reconstruction reconstruct(NDArray images, NDArray noise) {
    MaeOutput out = forward(images, noise, Trace.NONE);
    return new Reconstruction(out.pred(), out.mask());
  }

  @Override
  public int patchSize() {
    return cfg.patchSize();
  }

  @Override
  public int patches() {
    return cfg.patches();
  }

  @Override
  public double maskRatio() {
    return cfg.maskRatio();
  }

  @Override
  public boolean normPixTargets() {
    return cfg.normPixLoss();
  }
}
