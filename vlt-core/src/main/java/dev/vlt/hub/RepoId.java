package dev.vlt.hub;

import java.util.regex.Pattern;

/** A hub model repository, {@code owner/name}, validated so it can name a cache folder and a URL path safely. */
public record RepoId(String owner, String name) {
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_-])?");

  public RepoId {
    if (!PART.matcher(owner).matches() || !PART.matcher(name).matches() || name.contains("..") || owner.contains("..")) {
      throw new IllegalArgumentException("'" + owner + "/" + name + "' is not a hub repo id (owner/name: letters, digits, . _ -)");
    }
  }

  /** Parses {@code owner/name}, also accepting open_clip's {@code hf-hub:} prefix and a trailing slash. */
  public static RepoId parse(String text) {
    String s = text.strip();
    if (s.startsWith("hf-hub:")) s = s.substring("hf-hub:".length());
    if (s.endsWith("/")) s = s.substring(0, s.length() - 1);
    int slash = s.indexOf('/');
    if (slash < 0 || s.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException("'" + text + "' is not a hub repo id: expected owner/name, e.g. laion/CLIP-ViT-B-32-laion2B-s34B-b79K");
    }
    return new RepoId(s.substring(0, slash), s.substring(slash + 1));
  }

  /** The cache folder name: {@code owner--name}, as huggingface_hub's cache spells repos. */
  public String folderName() {
    return owner + "--" + name;
  }

  @Override
  public String toString() {
    return owner + "/" + name;
  }
}
