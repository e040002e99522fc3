package dev.vlt.models.flava;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;

/**
 * The parameters of torchmultimodal's {@code FLAVAPretrainingLoss} ({@code loss.}), which holds FLAVA's pretraining
 * heads: masked-prediction heads for MLM ({@code mlm_loss.cls}), MIM ({@code mim_loss.cls}) and the two halves of masked
 * multimodal modeling ({@code mmm_loss.mlm.cls}, {@code mmm_loss.mim.cls}), the matching head ({@code itm_loss.pooler.dense}
 * and {@code itm_loss.cls.seq_relationship}) and the contrastive temperature ({@code contrastive_loss.logit_scale}). The
 * losses themselves are in {@code objectives.FlavaLoss}.
 */
public final class PretrainingHeads extends Module {
  final MaskedPredictionHead mlm;
  final MaskedPredictionHead mim;
  final MaskedPredictionHead mmmText;
  final MaskedPredictionHead mmmImage;
  private final Linear itmPooler;
  private final Linear itmClassifier;
  final Parameter logitScale;

  PretrainingHeads(FlavaConfig cfg) {
    int h = cfg.hidden();
    double eps = cfg.headLayerNormEps();
    mlm = child("mlm_loss", new Nest<>("cls", new MaskedPredictionHead(h, cfg.vocabSize(), eps))).inner;
    mim = child("mim_loss", new Nest<>("cls", new MaskedPredictionHead(h, cfg.imageVocabSize(), eps))).inner;
    Named mmm = child("mmm_loss", new Named());
    mmmText = mmm.add("mlm", new Nest<>("cls", new MaskedPredictionHead(h, cfg.vocabSize(), eps))).inner;
    mmmImage = mmm.add("mim", new Nest<>("cls", new MaskedPredictionHead(h, cfg.imageVocabSize(), eps))).inner;
    Named itm = child("itm_loss", new Named());
    itmPooler = itm.add("pooler", new Nest<>("dense", new Linear(h, h))).inner;
    itmClassifier = itm.add("cls", new Nest<>("seq_relationship", new Linear(h, 2))).inner;
    logitScale = child("contrastive_loss", new Temperature()).value;
  }

  /** The multimodal class token [B, H] → matching logits [B, 2] (index 1 = the pair matches). */
  public NDArray itm(NDArray cls) {
    return itmClassifier.forward(itmPooler.forward(cls).tanh());
  }

  /** log(1/T), shape [], initialised to ln(1/0.07) as torchmultimodal's contrastive loss does. */
  public Parameter logitScale() {
    return logitScale;
  }

  private static final class Named extends Module {
    <M extends Module> M add(String name, M m) {
      return child(name, m);
    }
  }

  private static final class Temperature extends Module {
    final Parameter value = param("logit_scale", new Init.Constant(Math.log(1 / 0.07)));
  }

  /**
   * BERT-style prediction head: decoder(LN(GELU(dense(x)))) + bias, with the decoder bias-free and the bias a parameter of
   * its own ({@code bias}; torchmultimodal ties {@code decoder.bias} to it, so state dicts carry both names with one value).
   */
  public static final class MaskedPredictionHead extends Module {
    private final Linear dense;
    private final LayerNorm layerNorm;
    private final Linear decoder;
    private final Parameter bias;

    MaskedPredictionHead(int hidden, int vocab, double eps) {
      dense = child("dense", new Linear(hidden, hidden));
      layerNorm = child("layer_norm", new LayerNorm(hidden, eps));
      decoder = child("decoder", new Linear(hidden, vocab, false));
      bias = param("bias", Init.ZEROS, vocab);
    }

    /** x [..., H] → logits [..., vocab]. */
    public NDArray forward(NDArray x) {
      return decoder.forward(layerNorm.forward(Ops.gelu(dense.forward(x)))).add(bias.value());
    }
  }
}
