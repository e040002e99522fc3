package dev.vlt.cli;

import dev.vlt.infer.Embedder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "embed", mixinStandardHelpOptions = true,
    description = {"Print L2-normalised embeddings, one JSON line per input in input order: {\"id\": PATH_OR_TEXT, \"embedding\": [...]}.",
        "Unreadable images are reported on stderr and left out (exit code 1)."})
public final class EmbedCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions;
  @Mixin ThreadsOption threads;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Inputs inputs;

  static final class Inputs {
    @Option(names = "--images", arity = "1..*", paramLabel = "IMAGE",
        description = "Image files to embed; videos too (.gif, .mp4, a folder of frames) for a model with video capability.")
    List<Path> images;

    @Option(names = "--texts", arity = "1..*", paramLabel = "TEXT", description = "Texts to embed.")
    List<String> texts;
  }

  @Override
  public Integer call() throws Exception {
    threads.apply();
    try (Embedder e = modelOptions.open()) {
      if (inputs.texts != null) {
        float[][] v = e.embedTexts(inputs.texts);
        for (int i = 0; i < v.length; i++) print(inputs.texts.get(i), v[i]);
        return 0;
      }
      Images.LoadedVisuals loaded = Images.readVisuals(inputs.images);
      float[][] v = e.embedVisuals(loaded.visuals());
      for (int i = 0; i < v.length; i++) print(loaded.paths().get(i).toString(), v[i]);
      return loaded.failed() == 0 ? 0 : 1;
    }
  }

  private static void print(String id, float[] embedding) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("id", id);
    line.put("embedding", embedding);
    JsonLines.print(line);
  }
}
