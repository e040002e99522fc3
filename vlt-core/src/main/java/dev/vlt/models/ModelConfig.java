package dev.vlt.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.tensor.Module;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;

/**
 * A model's config, whatever its architecture: the {@code model_cfg} of a model folder, read strictly by its
 * {@link Architecture}. It builds the module tree and says what the loader needs around it.
 */
public interface ModelConfig {
  /** The registry name of the architecture, written as {@code "arch"} beside {@code model_cfg}. */
  String arch();

  /** The module tree with uninitialised parameters (call {@code initialize} or {@code load}). */
  Module create();

  /** The {@code model_cfg} object that reads back into this config (open_clip's schema where open_clip has the model). */
  ObjectNode toJson(ObjectMapper mapper);

  /** The input image side in pixels. */
  int imageSize();

  /** What the model's tokenizer must be. */
  TokenizerSpec tokenizerSpec();

  /** A few lines describing the architecture's shape, for {@code vlt info}. */
  List<String> summary();
}
