package dev.vlt.eval.caption;

import java.util.List;

/** The standard captioning metrics of one corpus (coco-caption's BLEU-1..4, ROUGE-L and CIDEr-D). */
public record CaptionScores(double bleu1, double bleu2, double bleu3, double bleu4, double rougeL, double ciderD, int images) {
  /** Scores candidates (one per image) against their references. */
  public static CaptionScores compute(List<String> candidates, List<List<String>> references) {
    Tokenized corpus = Tokenized.of(candidates, references);
    double[] bleu = Bleu.compute(corpus);
    return new CaptionScores(bleu[0], bleu[1], bleu[2], bleu[3], RougeL.compute(corpus), CiderD.compute(corpus), corpus.size());
  }
}
