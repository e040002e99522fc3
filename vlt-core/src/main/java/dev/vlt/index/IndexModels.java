package dev.vlt.index;

import dev.vlt.infer.Embedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The model side of an index: what a build records, and opening the same model again to embed queries. */
public final class IndexModels {
  private IndexModels() {}

  /**
   * What an index built with this embedder records.
   *
   * @param spec the --model value; a folder is recorded as an absolute path so a search from elsewhere still finds it
   */
  public static IndexBuilder.Model describe(Embedder embedder, String spec, Path tokenizer) throws IOException {
    String recorded = Files.isDirectory(Path.of(spec)) ? Path.of(spec).toAbsolutePath().normalize().toString() : spec;
    String tok = tokenizer == null ? null : tokenizer.toAbsolutePath().normalize().toString();
    return new IndexBuilder.Model(ModelId.of(embedder.model()), recorded, tok, embedder.embedDim());
  }

  /**
   * Opens the model that made the index's vectors: {@code model} if given (it must be the same weights), else the one the
   * index records; {@code tokenizer} likewise overrides the recorded tokenizer.
   */
  public static Embedder open(IndexInfo info, String model, Path tokenizer) throws IOException {
    if (info.modelId() == null || info.model() == null) throw new IllegalArgumentException("the index records no model; rebuild it with 'vlt index build'");
    String spec = model != null ? model : info.model();
    Path tok = tokenizer != null ? tokenizer : info.tokenizer() == null ? null : Path.of(info.tokenizer());
    Embedder e = Embedder.open(spec, tok);
    try {
      String id = ModelId.of(e.model());
      if (!id.equals(info.modelId())) {
        throw new IllegalArgumentException("--model " + spec + " is not the model the index was built with (" + info.model()
            + "): its vectors would not compare; rebuild the index with this model or leave --model out");
      }
      return e;
    } catch (IOException | RuntimeException ex) {
      e.close();
      throw ex;
    }
  }
}
