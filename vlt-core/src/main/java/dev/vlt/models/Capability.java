package dev.vlt.models;

import dev.vlt.models.caption.CaptionModel;
import java.util.List;

/**
 * Something a command can ask a loaded model for, as a small interface its module implements: commands call
 * {@link LoadedModel#require} instead of casting, and a model without the capability gets one line naming what is missing.
 * Adding a system adds its capabilities, and every command that needs them works with it.
 *
 * @param name the capability as {@code vlt models} lists it
 * @param action what a command wanted to do, for the error ("cannot " + action)
 * @param type the interface a module implements to have it
 */
public record Capability<T>(String name, String action, Class<T> type) {
  public static final Capability<ImageEmbedding> IMAGE_EMBEDDING =
      new Capability<>("image-embedding", "embed images", ImageEmbedding.class);
  public static final Capability<TextEmbedding> TEXT_EMBEDDING =
      new Capability<>("text-embedding", "embed texts", TextEmbedding.class);
  public static final Capability<ContrastiveModel> IMAGE_TEXT_SIMILARITY =
      new Capability<>("image-text-similarity", "score images against texts (zero-shot classification, retrieval)",
          ContrastiveModel.class);
  public static final Capability<CaptionModel> CAPTIONING = new Capability<>("captioning", "write captions", CaptionModel.class);
  public static final Capability<ImageTextMatching> IMAGE_TEXT_MATCHING = new Capability<>("image-text-matching",
      "score whether a text matches an image (an ITM head over fused image and text)", ImageTextMatching.class);
  public static final Capability<QuestionAnswering> QUESTION_ANSWERING = new Capability<>("question-answering",
      "answer questions about images (VQA)", QuestionAnswering.class);

  public static final Capability<PatchTextSimilarity> SEGMENTATION = new Capability<>("segmentation",
      "segment images by text (label each pixel with the text its patch matches best)", PatchTextSimilarity.class);

  public static final Capability<GroundingModel> GROUNDING =
      new Capability<>("grounding", "ground expressions (find the box a text refers to)", GroundingModel.class);

  public static final Capability<PixelReconstruction> PIXEL_RECONSTRUCTION =
      new Capability<>("pixel-reconstruction", "reconstruct masked image patches", PixelReconstruction.class);

  public static final Capability<VideoEmbedding> VIDEO_EMBEDDING =
      new Capability<>("video-embedding", "embed videos", VideoEmbedding.class);

  public static final Capability<ImageClassifier> CLASSIFICATION = new Capability<>("classification",
      "classify images with a trained head (its classes are fixed)", ImageClassifier.class);

  /** Every capability, in the order {@code vlt models} lists them. */
  public static final List<Capability<?>> ALL = List.of(IMAGE_EMBEDDING, TEXT_EMBEDDING, IMAGE_TEXT_SIMILARITY, CAPTIONING,
      IMAGE_TEXT_MATCHING, QUESTION_ANSWERING, SEGMENTATION, GROUNDING, PIXEL_RECONSTRUCTION, VIDEO_EMBEDDING,
      CLASSIFICATION);

  /** True when modules of {@code moduleType} have this capability. */
  public boolean of(Class<?> moduleType) {
    return type.isAssignableFrom(moduleType);
  }

  /** The capabilities modules of {@code moduleType} have, in {@link #ALL}'s order. */
  public static List<Capability<?>> all(Class<?> moduleType) {
    return ALL.stream().filter(c -> c.of(moduleType)).toList();
  }
}
