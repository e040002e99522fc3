package dev.vlt.tokenize;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Fetches CLIP's BPE vocabulary ({@code vocab.json} + {@code merges.txt}) when it is not on the machine, as open_clip
 * users never have to think about it. The hub package provides it (found with {@link java.util.ServiceLoader}, so
 * {@code tokenize} does not import the package that downloads).
 */
public interface ClipVocabularySource {
  /** A folder holding CLIP's {@code vocab.json} and {@code merges.txt}, downloaded into the cache on first use. */
  Path clipVocabulary() throws IOException;
}
