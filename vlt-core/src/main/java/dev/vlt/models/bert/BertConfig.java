package dev.vlt.models.bert;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;

/**
 * A BERT text encoder in the schema of torchmultimodal's {@code bert_text_encoder} arguments: the embeddings' keys plus
 * num_hidden_layers, num_attention_heads and intermediate_size. Post-norm layers with exact GELU, no final norm and no
 * pooler, as that builder makes by default. Dropout is not implemented, so it must be 0 (the builder's default is 0.1:
 * an absent key is an error, not a silently different model).
 */
public record BertConfig(BertEmbeddingsConfig embeddings, int layers, int heads, int intermediateSize) {
  public BertConfig {
    if (layers <= 0) throw error("num_hidden_layers", "must be positive, got " + layers);
    if (heads <= 0 || embeddings.hiddenSize() % heads != 0) {
      throw error("num_attention_heads", heads + " does not divide hidden_size " + embeddings.hiddenSize());
    }
    if (intermediateSize <= 0) throw error("intermediate_size", "must be positive, got " + intermediateSize);
  }

  public int hiddenSize() {
    return embeddings.hiddenSize();
  }

  public static BertConfig read(ConfigReader r) {
    BertEmbeddingsConfig emb = BertEmbeddingsConfig.readKeys(r);
    BertConfig c = new BertConfig(emb, r.getInt("num_hidden_layers", 6), r.getInt("num_attention_heads", 12),
        r.getInt("intermediate_size", 3072));
    double dropout = r.getDouble("dropout", 0.1);
    if (dropout != 0) throw error("dropout", "= " + dropout + " is not supported by vlt's BERT (set 0)");
    r.unsupported("norm_first", false);
    r.finish();
    return c;
  }

  public void write(ObjectNode o) {
    embeddings.write(o);
    o.put("num_hidden_layers", layers).put("num_attention_heads", heads).put("intermediate_size", intermediateSize)
        .put("dropout", 0.0);
  }
}
