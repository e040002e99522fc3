package dev.vlt.index;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an index records about itself in its Lucene commit: which model made its vectors and from which collection.
 *
 * @param modelId identity of the weights ({@link ModelId}); a different id means the vectors are not comparable
 * @param model the {@code --model} value the index was built with (absolute folder path or registry name)
 * @param tokenizer the tokenizer override used with it, or null
 * @param dim embedding width E
 * @param source the collection spec ({@link ImageCollection#spec()})
 * @param count entries with a vector
 * @param unreadable entries recorded as unreadable images (no vector)
 */
public record IndexInfo(String modelId, String model, String tokenizer, int dim, String source, int count, int unreadable) {
  static final String FORMAT = "vlt.index.format";
  static final String FORMAT_VERSION = "1";
  static final String MODEL_ID = "vlt.model_id";
  static final String MODEL = "vlt.model";
  static final String TOKENIZER = "vlt.tokenizer";
  static final String DIM = "vlt.dim";
  static final String SOURCE = "vlt.source";

  /** The commit user data for an index built by {@code model} from {@code source}. */
  static Map<String, String> commitData(IndexBuilder.Model model, String source) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(FORMAT, FORMAT_VERSION);
    m.put(MODEL_ID, model.id());
    m.put(MODEL, model.spec());
    if (model.tokenizer() != null) m.put(TOKENIZER, model.tokenizer());
    m.put(DIM, Integer.toString(model.dim()));
    m.put(SOURCE, source);
    return m;
  }

  /** Reads commit user data; {@code where} names the index in errors. */
  static IndexInfo fromCommitData(Map<String, String> data, int count, int unreadable, String where) {
    String format = data.get(FORMAT);
    if (format == null) throw new IllegalArgumentException(where + ": a Lucene index, but not one vlt built (no " + FORMAT + ")");
    if (!format.equals(FORMAT_VERSION)) {
      throw new IllegalArgumentException(where + ": index format " + format + ", this vlt reads " + FORMAT_VERSION + "; rebuild it");
    }
    int dim;
    try {
      dim = Integer.parseInt(data.getOrDefault(DIM, ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": bad " + DIM + " '" + data.get(DIM) + "' in the commit data");
    }
    return new IndexInfo(data.get(MODEL_ID), data.get(MODEL), data.get(TOKENIZER), dim, data.get(SOURCE), count, unreadable);
  }
}
