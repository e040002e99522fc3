package dev.vlt.models;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** The classification capability: a head over a fixed set of classes (INDIGO), which {@code vlt classify} uses. */
public interface ImageClassifier {
  /** The head's classes, in output order. */
  List<String> classNames();

  /** images [B, 3, S, S] normalised pixels → class probabilities [B, C] (rows sum to 1). */
  NDArray classify(NDArray images);

  /** The input image side in pixels. */
  int imageSize();
}
