package dev.vlt.cli;

import dev.vlt.bench.QuantizationCost;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.eval.suite.EvalSet;
import dev.vlt.eval.suite.EvalSets;
import dev.vlt.infer.Embedder;
import dev.vlt.infer.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "int8", mixinStandardHelpOptions = true,
    description = {"The accuracy cost of ONNX Runtime and its int8 exports for a model: per set and engine, the cosine of each",
        "image (and class-prompt text) embedding to PyTorch's fp32 one, and zero-shot top-1 (prompt ensemble). One JSON line",
        "per set and engine."})
public final class BenchInt8Command implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "A CLIP model folder or registry name.")
  String model;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer instead of the model's.")
  java.nio.file.Path tokenizer;

  @Option(names = "--data", split = ",", defaultValue = "auto", paramLabel = "SETS",
      description = "Evaluation sets as in vlt eval (default ${DEFAULT-VALUE}); the bundled photos are always added.")
  List<String> data;

  @Option(names = "--shapes-images", defaultValue = "400", description = "ShapesWorld images per part (default ${DEFAULT-VALUE}).")
  int shapesImages;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    int size;
    try (Embedder probe = Embedder.open(model, tokenizer)) {
      size = probe.imageSize();
    }
    List<EvalSet> sets = EvalSets.open(data, ShapesWorldConfig.defaults().withImageSize(size), shapesImages,
        msg -> System.err.println("vlt: skipped " + msg));
    List<QuantizationCost.Row> rows = QuantizationCost.measure(() -> {
      try {
        return Embedder.open(model, tokenizer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, sets, List.of(Engine.DJL, Engine.ONNX, Engine.ONNX_INT8, Engine.ONNX_INT8_ALL));
    for (QuantizationCost.Row r : rows) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("set", r.set());
      line.put("engine", r.engine().label());
      line.put("images", r.images());
      line.put("image_cosine_mean", r.meanImageCosine());
      line.put("image_cosine_min", r.minImageCosine());
      if (!Double.isNaN(r.meanTextCosine())) {
        line.put("text_cosine_mean", r.meanTextCosine());
        line.put("text_cosine_min", r.minTextCosine());
      }
      if (!Double.isNaN(r.zeroShotTop1())) line.put("zero_shot_top1", r.zeroShotTop1());
      JsonLines.print(line);
    }
    return 0;
  }
}
