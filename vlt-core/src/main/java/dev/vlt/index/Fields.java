package dev.vlt.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.lucene.index.VectorSimilarityFunction;

/** The Lucene document layout of an index entry: one document per image, updated in place by its key. */
final class Fields {
  static final String KEY = "key"; // StringField: the update/delete term
  static final String ID = "id"; // StringField: public id, looked up by thumbnails
  static final String NAME = "name";
  static final String CAPTION = "caption";
  static final String META = "meta"; // JSON object of strings
  static final String STAMP = "stamp";
  static final String ERROR = "error"; // set (and no vector) for an unreadable image, so it is not retried until it changes
  static final String VECTOR = "vector";
  /**
   * Cosine similarity as a dot product of unit vectors: Lucene's COSINE recomputes both norms on every comparison (3x the
   * work while building the graph); its own docs prefer normalising once and using DOT_PRODUCT, whose score (1 + dot) / 2
   * is then exactly COSINE's. Vectors are normalised on the way in ({@link #unit}).
   */
  static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private Fields() {}

  static String metaJson(Map<String, String> meta) {
    try {
      return JSON.writeValueAsString(meta);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> meta(String json) {
    if (json == null) return Map.of();
    try {
      return JSON.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt metadata in the index: " + json, e);
    }
  }

  /** {@code v} scaled to unit length (a copy; {@code v} itself is left alone); a zero vector is an error. */
  static float[] unit(float[] v) {
    double s = 0;
    for (float x : v) s += (double) x * x;
    if (s == 0 || !Double.isFinite(s)) throw new IllegalArgumentException("cannot index or search a zero or non-finite vector");
    float inv = (float) (1 / Math.sqrt(s));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) out[i] = v[i] * inv;
    return out;
  }

  /** Lucene's score for unit vectors is (1 + cos) / 2; callers see the cosine itself. */
  static float cosine(float luceneScore) {
    return 2 * luceneScore - 1;
  }
}
