package dev.vlt.models.bert;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;

/**
 * BERT's input embeddings in torchmultimodal's {@code BERTTextEmbeddings} schema (hidden_size, vocab_size, pad_token_id,
 * max_position_embeddings, type_vocab_size, layer_norm_eps; dropout and offset_pos_ids only at 0 and false).
 */
public record BertEmbeddingsConfig(
    int vocabSize, int hiddenSize, int maxPositions, int typeVocabSize, int padId, double layerNormEps) {
  public BertEmbeddingsConfig {
    if (vocabSize <= 0) throw error("vocab_size", "must be positive, got " + vocabSize);
    if (hiddenSize <= 0) throw error("hidden_size", "must be positive, got " + hiddenSize);
    if (maxPositions <= 0) throw error("max_position_embeddings", "must be positive, got " + maxPositions);
    if (typeVocabSize <= 0) throw error("type_vocab_size", "must be positive, got " + typeVocabSize);
    if (padId < 0 || padId >= vocabSize) throw error("pad_token_id", padId + " is not a token id below vocab_size " + vocabSize);
    if (!(layerNormEps > 0)) throw error("layer_norm_eps", "must be positive, got " + layerNormEps);
  }

  /** Reads the embedding keys of {@code r} (which the caller finishes); absent keys take BERTTextEmbeddings' defaults. */
  static BertEmbeddingsConfig readKeys(ConfigReader r) {
    BertEmbeddingsConfig c = new BertEmbeddingsConfig(r.getInt("vocab_size", 30522), r.getInt("hidden_size", 768),
        r.getInt("max_position_embeddings", 512), r.getInt("type_vocab_size", 2), r.getInt("pad_token_id", 0),
        r.getDouble("layer_norm_eps", 1e-12));
    r.unsupported("offset_pos_ids", false);
    return c;
  }

  /** A {@code text_embeddings_args} object (torchmultimodal's BERTTextEmbeddings, whose dropout defaults to 0). */
  public static BertEmbeddingsConfig read(ConfigReader r) {
    BertEmbeddingsConfig c = readKeys(r);
    r.unsupported("dropout", 0.0);
    r.finish();
    return c;
  }

  public void write(ObjectNode o) {
    o.put("vocab_size", vocabSize).put("hidden_size", hiddenSize).put("max_position_embeddings", maxPositions)
        .put("type_vocab_size", typeVocabSize).put("pad_token_id", padId).put("layer_norm_eps", layerNormEps);
  }
}
