package dev.vlt.data;

/**
 * How {@link DataSources#open} reads what {@code --data} names, beyond the name itself.
 *
 * @param imageKey the image-path column or field of a manifest (open_clip's {@code --csv-img-key}); null: any of
 *     image, filepath, file, path
 * @param captionKey the caption column or field (open_clip's {@code --csv-caption-key}); null: any of caption, captions,
 *     title, text
 * @param separator the CSV separator (open_clip's {@code --csv-separator}); null: ',' for .csv, tab for .tsv
 * @param classTemplates prompt templates (a built-in set name or a file) that turn a class folder's names into captions
 * @param imageSize the side generated data (ShapesWorld) is rendered at: the model's input size
 * @param shapesObjects the most objects in a ShapesWorld scene (1-4)
 * @param epochSize samples per epoch of an endless source (ShapesWorld)
 * @param offset where a generated source starts (so runs of different seeds can read different scenes)
 */
public record DataOptions(String imageKey, String captionKey, Character separator, String classTemplates, int imageSize,
    int shapesObjects, long epochSize, long offset) {
  public DataOptions {
    if (imageSize < 8) throw new IllegalArgumentException("image size must be at least 8 px, got " + imageSize);
    if (shapesObjects < 1 || shapesObjects > 4) throw new IllegalArgumentException("shapes objects must be 1..4, got " + shapesObjects);
  }

  /** No key overrides, class folders captioned with the "photo" templates, one-object scenes. */
  public static DataOptions defaults(int imageSize) {
    return new DataOptions(null, null, null, "photo", imageSize, 1, 4096, 0);
  }

  public DataOptions withShapes(int objects, long epochSize, long offset) {
    return new DataOptions(imageKey, captionKey, separator, classTemplates, imageSize, objects, epochSize, offset);
  }

  public DataOptions withKeys(String image, String caption, Character sep) {
    return new DataOptions(image, caption, sep, classTemplates, imageSize, shapesObjects, epochSize, offset);
  }

  public DataOptions withClassTemplates(String templates) {
    return new DataOptions(imageKey, captionKey, separator, templates, imageSize, shapesObjects, epochSize, offset);
  }
}
