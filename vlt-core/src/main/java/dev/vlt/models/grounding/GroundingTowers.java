package dev.vlt.models.grounding;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.bert.BertConfig;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.nn.VitEmbed.Positions;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.Locale;

/**
 * The two encoders every grounding model here starts from: a ViT in timm's schema ({@code vision_cfg}, no classifier
 * head) and a BERT text encoder ({@code text_cfg}), with the tokenizer's context length; and how the box is read out
 * ({@code box_anchor}: from [REG] alone, as the papers, or around a reference point [REG] picks among the patches, see
 * {@link PatchAnchor}). Read and written the same way by TransVG and TransVG++.
 */
public record GroundingTowers(VitConfig vision, BertConfig text, int contextLength, boolean boxAnchor) {
  public GroundingTowers {
    if (vision.numClasses() != 0) throw error("vision_cfg.num_classes", "must be 0 (grounding uses the tokens, not a classifier), got " + vision.numClasses());
    if (contextLength < 2) throw error("context_length", "must be at least 2, got " + contextLength);
    if (text.embeddings().maxPositions() < contextLength) {
      throw error("text_cfg.max_position_embeddings", text.embeddings().maxPositions() + " is below context_length " + contextLength);
    }
  }

  /**
   * Reads {@code context_length}, {@code vision_cfg}, {@code text_cfg}, {@code box_anchor} and {@code fixed_positions} of {@code r} (which the
   * caller finishes). {@code fixed_positions: true} gives the ViT MAE's frozen 2-D sin-cos position table instead of learned
   * positions (timm's schema has no key for it): trained from scratch, a grounding model then knows where each patch is
   * from the first step, where learned positions start as noise.
   */
  public static GroundingTowers read(ConfigReader r) {
    int context = r.requireInt("context_length");
    boolean fixed = r.getBool("fixed_positions", false);
    boolean anchor = r.getBool("box_anchor", false);
    VitConfig v = VitConfig.read(r.child("vision_cfg"));
    if (fixed) v = withPositions(v, Positions.FIXED_SINCOS);
    BertConfig t = BertConfig.read(r.child("text_cfg"));
    return new GroundingTowers(v, t, context, anchor);
  }

  public void write(ObjectMapper mapper, ObjectNode o) {
    o.put("context_length", contextLength);
    if (vision.positions() == Positions.FIXED_SINCOS) o.put("fixed_positions", true);
    if (boxAnchor) o.put("box_anchor", true);
    withPositions(vision, Positions.LEARNED).write(o.putObject("vision_cfg"));
    text.write(o.putObject("text_cfg"));
  }

  private static VitConfig withPositions(VitConfig v, Positions p) {
    return new VitConfig(v.imageSize(), v.patchSize(), v.inChans(), v.numClasses(), v.width(), v.depth(), v.heads(), v.mlpRatio(),
        v.qkvBias(), v.classToken(), v.globalPool(), v.dropPath(), p);
  }

  public TokenizerSpec tokenizerSpec() {
    return new TokenizerSpec(contextLength, text.embeddings().vocabSize(), null, false);
  }

  public String describeVision() {
    return String.format(Locale.ROOT, "vision: ViT %d px / patch %d, width %d, %d blocks, %d heads, %s positions", vision.imageSize(),
        vision.patchSize(), vision.width(), vision.depth(), vision.heads(),
        vision.positions() == Positions.FIXED_SINCOS ? "fixed 2-D sin-cos" : "learned");
  }

  /** "" for the papers' readout, else how the reference point enters. */
  public String describeReadout() {
    return boxAnchor ? " around a reference point [REG] picks among the patches" : "";
  }

  public String describeText() {
    return String.format(Locale.ROOT, "text: BERT width %d, %d layers, %d heads, vocabulary %d, context %d", text.hiddenSize(),
        text.layers(), text.heads(), text.embeddings().vocabSize(), contextLength);
  }
}
