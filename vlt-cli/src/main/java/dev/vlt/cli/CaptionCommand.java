package dev.vlt.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.infer.Embedder;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.caption.CaptionModel;
import dev.vlt.models.caption.Decoding;
import dev.vlt.models.caption.Generator;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vlt caption}: one caption per image or video from any model that writes captions (CoCa, OmniVL, InternVideo). */
@Command(name = "caption", mixinStandardHelpOptions = true,
    description = {"Caption each IMAGE (or video) with a model that writes captions (CoCa; OmniVL and InternVideo also caption videos): one caption per line, in argument order (--json: one JSON object per line).",
        "Greedy by default; --beam N for beam search (--rerank: the N captions re-ranked with the model's contrastive",
        "image-text similarity); --top-k / --top-p for seeded sampling."})
public final class CaptionCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "A model folder that captions (CoCa, open_clip layout), or a registry architecture (coca-tiny; random weights).")
  String model;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files (PNG, JPEG, anything ImageIO reads); videos too (.gif, .mp4, a folder of frames) for a model with video capability.")
  List<Path> images;

  @Option(names = "--json", description = "Print {\"image\": ..., \"caption\": ...} per line.")
  boolean json;

  @Option(names = "--beam", paramLabel = "N", description = "Beam search with N beams.")
  Integer beam;

  @Option(names = "--rerank", description = "With --beam N: pick among the N finished captions by beam score plus the model's contrastive image-text similarity.")
  boolean rerank;

  @Option(names = "--rerank-weight", paramLabel = "W", defaultValue = "1.0", description = "With --rerank: weight of the contrastive score against the beam's (default: ${DEFAULT-VALUE}; Infinity: contrastive only).")
  double rerankWeight;

  @Option(names = "--length-penalty", paramLabel = "A", defaultValue = "1.0", description = "Beam search ranks captions by log-probability / length^A (default: ${DEFAULT-VALUE}).")
  double lengthPenalty;

  @Option(names = "--max-length", paramLabel = "N", description = "Longest caption in tokens, start and end included (default: 30, or the model's context if shorter).")
  Integer maxLength;

  @Option(names = "--top-k", paramLabel = "K", description = "Sample from the K most probable tokens.")
  Integer topK;

  @Option(names = "--top-p", paramLabel = "P", description = "Sample from the smallest set of tokens whose probability reaches P.")
  Double topP;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer file or folder instead of the model's own.")
  Path tokenizer;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws IOException {
    if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
    Decoding decoding = decoding();
    threads.apply();
    try (LoadedModel lm = Models.resolve(model, tokenizer)) {
      CaptionModel captioner = lm.require(Capability.CAPTIONING);
      Tokenizer tok = lm.tokenizer();
      int limit = captioner.maxDecodeLength();
      Generator gen = Generator.of(captioner, tok, maxLength != null ? maxLength : Math.min(30, limit));
      PreprocessConfig pre = lm.preprocess();
      ObjectMapper mapper = new ObjectMapper();
      PrintStream out = System.out;
      // one path for pixels: the model folder's PIL-exact eval transform, per frame for a video; unreadable files are
      // skipped with one line
      Images.LoadedVisuals loaded = Images.readVisuals(images);
      int frames = loaded.anyVideo() ? lm.require(Capability.VIDEO_EMBEDDING).frames() : 0;
      ModelInputs inputs = new ModelInputs(new EvalTransform(pre), tok, batchSize);
      List<Embedder.Visual> visuals = loaded.visuals();
      // a batch is a run of inputs of one kind (images [n, 3, S, S] or clips [n, 3, T, S, S]), so the output keeps input order
      for (int from = 0, n; from < visuals.size(); from += n) {
        boolean video = visuals.get(from).video() != null;
        n = 1;
        while (from + n < visuals.size() && n < batchSize && (visuals.get(from + n).video() != null) == video) n++;
        List<Embedder.Visual> run = visuals.subList(from, from + n);
        List<String> captions;
        try (NDScope scope = new NDScope()) {
          NDArray batch = video
              ? inputs.clipPixels(lm.manager(), run.stream().map(Embedder.Visual::video).toList(), frames)
              : inputs.pixels(lm.manager(), run.stream().map(Embedder.Visual::image).toList());
          captions = gen.captions(batch, decoding, tok);
        }
        for (int i = 0; i < n; i++) {
          String path = loaded.paths().get(from + i).toString();
          String line = json ? mapper.writeValueAsString(Map.of("image", path, "caption", captions.get(i))) : captions.get(i);
          out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      out.flush();
      if (loaded.failed() > 0) return 1;
    }
    return 0;
  }

  private Decoding decoding() {
    boolean sampling = topK != null || topP != null;
    if (beam != null && sampling) throw new IllegalArgumentException("choose either --beam or --top-k/--top-p sampling, not both");
    if (rerank && beam == null) throw new IllegalArgumentException("--rerank needs --beam N (the captions to choose among)");
    if (beam != null) return rerank ? new Decoding.Rerank(beam, lengthPenalty, rerankWeight) : new Decoding.Beam(beam, lengthPenalty);
    if (sampling) return new Decoding.Sample(topK == null ? 0 : topK, topP == null ? 1.0 : topP, temperature, seed);
    return Decoding.greedy();
  }
}
