package dev.vlt.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Model folders from the Hugging Face hub, cached under {@code CACHE/hub/OWNER--NAME/REVISION/} with the repo's own file
 * names, so the folder loads like any local one ({@code Models.load}). A repo in open_clip's layout gives
 * {@code open_clip_config.json} + {@code open_clip_model.safetensors}; one in transformers' layout gives
 * {@code config.json} + {@code model.safetensors} (+ {@code preprocessor_config.json}); tokenizer files come along where
 * the repo has them. A folder is complete once its manifest ({@value #MANIFEST}) is written; complete folders are used
 * without touching the network. Pin {@code revision} to a commit for reproducible downloads; delete a folder to refresh it.
 */
public final class Hub {
  public static final String MANIFEST = ".vlt-download.json";
  public static final String DEFAULT_REVISION = "main";
  static final List<String> TOKENIZER_FILES = List.of(
      "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The two layouts vlt loads, by the files that identify them. */
  public enum Layout {
    OPEN_CLIP("open_clip_config.json", "open_clip_model.safetensors"),
    TRANSFORMERS("config.json", "model.safetensors");

    public final String config;
    public final String weights;

    Layout(String config, String weights) {
      this.config = config;
      this.weights = weights;
    }
  }

  private final HubConfig cfg;
  private final DownloadListener listener;

  public Hub(HubConfig cfg, DownloadListener listener) {
    this.cfg = cfg;
    this.listener = listener;
  }

  public HubConfig config() {
    return cfg;
  }

  /** Where a repo's revision lives in the cache (whether or not it is there). */
  public Path folder(RepoId repo, String revision) {
    checkRevision(revision);
    return cfg.cache().resolve("hub").resolve(repo.folderName()).resolve(HubClient.encode(revision));
  }

  /** Downloads a model folder, or finds it complete in the cache. */
  public Path download(RepoId repo, String revision) throws IOException {
    return download(repo, revision, null);
  }

  /**
   * As {@link #download(RepoId, String)}; when the repo ships no tokenizer files, {@code vocab.json} + {@code merges.txt}
   * come from {@code tokenizerRepo} (may be null) into the same folder, so the folder is usable on its own.
   */
  public Path download(RepoId repo, String revision, RepoId tokenizerRepo) throws IOException {
    Path dir = folder(repo, revision);
    Map<String, Long> cached = completeManifest(dir);
    if (cached != null) {
      for (String f : cached.keySet()) listener.finished(f, dir.resolve(f), true);
      return dir;
    }
    if (cfg.offline()) {
      String state = Files.isDirectory(dir) ? "incomplete in" : "not in";
      throw new HubException("offline: " + repo + "@" + revision + " is " + state + " the cache " + dir
          + "; run `vlt download " + repo + "` with network access first");
    }
    HubClient client = new HubClient(cfg, listener);
    Map<String, Long> files = new LinkedHashMap<>();
    Layout layout = fetchLayout(client, repo, revision, dir, files);
    boolean tokenizer = false;
    for (String f : TOKENIZER_FILES) tokenizer |= fetch(client, repo, revision, f, dir, true, files);
    if (!tokenizer && tokenizerRepo != null) {
      fetch(client, tokenizerRepo, DEFAULT_REVISION, "vocab.json", dir, false, files);
      fetch(client, tokenizerRepo, DEFAULT_REVISION, "merges.txt", dir, false, files);
    }
    writeManifest(dir, repo, revision, layout, tokenizerRepo, files);
    return dir;
  }

  /**
   * Fetches exactly {@code names} of a repo (e.g. a tokenizer's files) into their own cache folder, apart from model
   * downloads of the same repo, or finds them complete there; the same checks as model files (size, sha256).
   */
  public Path downloadFiles(RepoId repo, String revision, List<String> names) throws IOException {
    checkRevision(revision);
    Path dir = cfg.cache().resolve("files").resolve(repo.folderName()).resolve(HubClient.encode(revision));
    Map<String, Long> cached = completeManifest(dir);
    if (cached != null && cached.keySet().containsAll(names)) return dir;
    if (cfg.offline()) throw new HubException("offline: " + repo + "@" + revision + " " + names + " is not in the cache " + dir);
    HubClient client = new HubClient(cfg, listener);
    Map<String, Long> files = new LinkedHashMap<>();
    for (String f : names) fetch(client, repo, revision, f, dir, false, files);
    ObjectNode m = JSON.createObjectNode().put("repo", repo.toString()).put("revision", revision);
    ObjectNode f = m.putObject("files");
    files.forEach(f::put);
    Path tmp = Files.createTempFile(dir, MANIFEST, ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(m));
    Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return dir;
  }

  /** open_clip's layout if the repo has it (vlt's own), else transformers'; fetches the config and weights. */
  private Layout fetchLayout(HubClient client, RepoId repo, String revision, Path dir, Map<String, Long> files)
      throws IOException {
    if (fetch(client, repo, revision, Layout.OPEN_CLIP.config, dir, true, files)
        && fetch(client, repo, revision, Layout.OPEN_CLIP.weights, dir, true, files)) {
      return Layout.OPEN_CLIP;
    }
    if (!fetch(client, repo, revision, Layout.TRANSFORMERS.config, dir, true, files)) {
      throw new HubException(repo + "@" + revision + " has neither " + Layout.OPEN_CLIP.config + " nor "
          + Layout.TRANSFORMERS.config + ": no such repo, or not a model vlt can load");
    }
    JsonNode config = JSON.readTree(dir.resolve(Layout.TRANSFORMERS.config).toFile());
    if (!"clip".equals(config.path("model_type").asText())) {
      String hasOpenClip = files.containsKey(Layout.OPEN_CLIP.config) ? " and no " + Layout.OPEN_CLIP.weights : "";
      throw new HubException(repo + "@" + revision + " is not a CLIP model vlt can load: its config.json has model_type '"
          + config.path("model_type").asText("") + "'" + hasOpenClip
          + " (open_clip_pytorch_model.bin and pytorch_model.bin are torch pickles; vlt reads safetensors only)");
    }
    if (!fetch(client, repo, revision, Layout.TRANSFORMERS.weights, dir, true, files)) {
      throw new HubException(repo + "@" + revision + " has no " + Layout.TRANSFORMERS.weights
          + " (pytorch_model.bin is a torch pickle; vlt reads safetensors only)");
    }
    fetch(client, repo, revision, "preprocessor_config.json", dir, true, files);
    return Layout.TRANSFORMERS;
  }

  private static boolean fetch(HubClient client, RepoId repo, String revision, String file, Path dir, boolean optional,
      Map<String, Long> files) throws IOException {
    Optional<Path> p = client.fetch(repo, revision, file, dir, optional);
    if (p.isPresent()) files.put(file, Files.size(p.get()));
    return p.isPresent();
  }

  /** The layout of a complete cached folder, or empty. */
  public static Optional<Layout> layoutOf(Path dir) {
    if (completeManifest(dir) == null) return Optional.empty();
    try {
      return Optional.of(Layout.valueOf(JSON.readTree(dir.resolve(MANIFEST).toFile()).path("layout").asText()));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The files of a complete folder (manifest present, every file there with its recorded size), else null. */
  private static Map<String, Long> completeManifest(Path dir) {
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) return null;
    try {
      Map<String, Long> files = new LinkedHashMap<>();
      JsonNode f = JSON.readTree(manifest.toFile()).path("files");
      for (var it = f.fields(); it.hasNext(); ) {
        var e = it.next();
        Path p = dir.resolve(e.getKey());
        if (!p.normalize().startsWith(dir.normalize()) || !Files.isRegularFile(p) || Files.size(p) != e.getValue().asLong()) {
          return null;
        }
        files.put(e.getKey(), e.getValue().asLong());
      }
      return files.isEmpty() ? null : files;
    } catch (IOException e) {
      return null;   // a damaged manifest: download again (files in place are reused)
    }
  }

  private static void writeManifest(Path dir, RepoId repo, String revision, Layout layout, RepoId tokenizerRepo,
      Map<String, Long> files) throws IOException {
    ObjectNode m = JSON.createObjectNode().put("repo", repo.toString()).put("revision", revision).put("layout", layout.name());
    if (tokenizerRepo != null) m.put("tokenizer_repo", tokenizerRepo.toString());
    ObjectNode f = m.putObject("files");
    files.forEach(f::put);
    Path tmp = Files.createTempFile(dir, MANIFEST, ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(m));
    Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void checkRevision(String revision) {
    if (revision == null || revision.isBlank() || revision.contains("..") || revision.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("'" + revision + "' is not a revision (a branch, tag or commit)");
    }
  }
}
