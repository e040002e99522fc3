package dev.vlt.models.beit3;

import dev.vlt.models.ParameterBreakdown.Part;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import java.util.List;
import java.util.Map;

/**
 * A Multiway model's parameters by who uses them, read from the checkpoint names: the encoder's shared part (self-attention,
 * its LayerNorms and the final one), each FFN expert over all layers ({@code ffn.A} vision, {@code ffn.B} language,
 * {@code ffn.C} vision-language), the image-side and text-side inputs and heads, and the heads over pairs.
 */
record ExpertSplit(long shared, long vision, long language, long visionLanguage, long imageSide, long textSide, long pairHeads) {
  static ExpertSplit of(Module model) {
    long shared = 0;
    long vision = 0;
    long language = 0;
    long vl = 0;
    long image = 0;
    long text = 0;
    long pair = 0;
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      String k = e.getKey();
      long n = e.getValue().numel();
      if (k.startsWith("encoder.") && k.contains(".ffn.A.")) vision += n;
      else if (k.startsWith("encoder.") && k.contains(".ffn.B.")) language += n;
      else if (k.startsWith("encoder.") && k.contains(".ffn.C.")) vl += n;
      else if (k.startsWith("encoder.")) shared += n;
      else if (k.startsWith("vision_embed.") || k.startsWith("vision_head.") || k.startsWith("mim_head.")) image += n;
      else if (k.startsWith("text_embed.") || k.startsWith("language_head.") || k.startsWith("mlm_head.")) text += n;
      else pair += n;                                                               // pooler, vqa_classifier, logit_scale
    }
    return new ExpertSplit(shared, vision, language, vl, image, text, pair);
  }

  List<Part> parts() {
    return List.of(new Part("shared attention and norms", shared), new Part("vision expert V-FFN", vision),
        new Part("language expert L-FFN", language), new Part("vision-language expert VL-FFN", visionLanguage),
        new Part("image embedding and heads", imageSide), new Part("text embedding and heads", textSide),
        new Part("pair heads and temperature", pairHeads));
  }
}
