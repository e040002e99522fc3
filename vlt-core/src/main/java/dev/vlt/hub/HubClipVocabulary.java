package dev.vlt.hub;

import dev.vlt.tokenize.ClipVocabularySource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * CLIP's BPE vocabulary from the hub, for machines without open_clip's merges file: {@code vocab.json} and
 * {@code merges.txt} of OpenAI's own ViT-B/32 repo (the same 49,408 tokens and merges as
 * {@code bpe_simple_vocab_16e6.txt.gz}), downloaded once into the cache with the hub's integrity checks.
 */
public final class HubClipVocabulary implements ClipVocabularySource {
  public static final RepoId REPO = RepoId.parse("openai/clip-vit-base-patch32");
  public static final List<String> FILES = List.of("vocab.json", "merges.txt");

  @Override
  public Path clipVocabulary() throws IOException {
    return PretrainedSource.hub().downloadFiles(REPO, Hub.DEFAULT_REVISION, FILES);
  }
}
