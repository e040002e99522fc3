package dev.vlt.index;

import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The identity of a model's weights: a content hash of its folder's config and weights, so a retrained model in the same
 * folder (whose vectors no longer compare with the old ones) gets a new id, and a copied folder keeps its id.
 */
public final class ModelId {
  private ModelId() {}

  public static String of(LoadedModel model) throws IOException {
    if (model.folder() == null) return "registry:" + model.name() + ":seed0"; // Models.resolve makes these with seed 0
    MessageDigest sha = IndexIds.digest();
    for (String file : new String[] {Models.CONFIG_FILE, Models.WEIGHTS_FILE}) {
      Path p = model.folder().resolve(file);
      try (InputStream in = Files.newInputStream(p)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
      }
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest(), 0, 16);
  }
}
