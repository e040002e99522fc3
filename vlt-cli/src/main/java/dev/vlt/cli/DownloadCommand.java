package dev.vlt.cli;

import dev.vlt.hub.DownloadListener;
import dev.vlt.hub.Hub;
import dev.vlt.hub.HubConfig;
import dev.vlt.hub.LineProgress;
import dev.vlt.hub.PretrainedModel;
import dev.vlt.hub.PretrainedRegistry;
import dev.vlt.hub.RepoId;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "download", mixinStandardHelpOptions = true,
    description = {"Download a model folder from the Hugging Face hub into the cache and print where it is.",
        "Environment: HF_ENDPOINT (a mirror), HF_TOKEN (gated or private repos), VLT_CACHE (default ~/.cache/vlt),"
            + " HF_HUB_OFFLINE=1 (same as --offline)."})
public final class DownloadCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "REPO_OR_NAME",
      description = "A hub repo (owner/name) in open_clip's or transformers' layout, or a pretrained ARCH:TAG (see --list).")
  String target;

  @Option(names = "--revision", paramLabel = "R", defaultValue = Hub.DEFAULT_REVISION,
      description = "Branch, tag or commit (default: ${DEFAULT-VALUE}); pin a commit for reproducible downloads.")
  String revision;

  @Option(names = "--cache", paramLabel = "DIR", description = "Cache folder instead of $VLT_CACHE or ~/.cache/vlt.")
  Path cache;

  @Option(names = "--offline", description = "Use only the cache; fail if the model is not there.")
  boolean offline;

  @Option(names = "--endpoint", paramLabel = "URL", description = "Hub address (a mirror) instead of $HF_ENDPOINT; default: the Hugging Face hub.")
  URI endpoint;

  @Option(names = "--list", description = "List the pretrained ARCH:TAG names and their hub repos.")
  boolean list;

  @Override
  public Integer call() throws Exception {
    if (list) {
      for (PretrainedModel p : PretrainedRegistry.all()) {
        System.out.printf("%-38s %s%s%n", p.name(), p.repo(), p.quickGelu() ? "  (QuickGELU)" : "");
      }
      return 0;
    }
    if (target == null) throw new IllegalArgumentException("give a hub repo (owner/name) or a pretrained ARCH:TAG; --list shows the tags");
    HubConfig cfg = HubConfig.fromEnvironment();
    if (cache != null) cfg = cfg.withCache(cache);
    if (endpoint != null) cfg = cfg.withEndpoint(endpoint);
    if (offline) cfg = cfg.withOffline(true);
    Hub hub = new Hub(cfg, System.console() != null ? new Bars() : new LineProgress(System.err));
    Optional<PretrainedModel> p = PretrainedRegistry.find(target);
    Path dir = p.isPresent()
        ? hub.download(p.get().repo(), revision, p.get().tokenizerRepo())
        : hub.download(RepoId.parse(target), revision);
    System.out.println(dir);
    return 0;
  }

  /** One progress bar per file on a terminal. */
  private static final class Bars implements DownloadListener {
    private ProgressBar bar;

    @Override
    public synchronized void started(String file, long total, long from) {
      close();
      bar = new ProgressBarBuilder().setTaskName(file).setInitialMax(total).setUnit(" MB", 1 << 20)
          .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).showSpeed().startsFrom(from, java.time.Duration.ZERO)
          .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
    }

    @Override
    public synchronized void progressed(String file, long done) {
      if (bar != null) bar.stepTo(done);
    }

    @Override
    public synchronized void finished(String file, Path path, boolean fromCache) {
      close();
      if (fromCache) System.err.println("vlt: " + file + " (cached)");
    }

    @Override
    public synchronized void retrying(String file, int attempt, String reason) {
      close();
      System.err.println("vlt: " + file + ": " + reason + "; retrying");
    }

    private void close() {
      if (bar != null) bar.close();
      bar = null;
    }
  }
}
