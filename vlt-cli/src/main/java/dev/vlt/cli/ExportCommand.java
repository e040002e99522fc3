package dev.vlt.cli;

import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.onnx.OnnxExport;
import dev.vlt.onnx.Quantization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlt export onnx}: a model's towers as ONNX files for ONNX Runtime and other ONNX engines. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Write a model in another format.",
    subcommands = {ExportCommand.Onnx.class})
public final class ExportCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "onnx", mixinStandardHelpOptions = true,
      description = {"Write a CLIP model's image and text towers as OUT/image.onnx and OUT/text.onnx (opset 17, dynamic batch;",
          "outputs 'features' and L2-normalised 'embedding'), with open_clip_config.json (preprocessing, tokenizer) and tokenizer",
          "files beside them. Each file is then loaded in ONNX Runtime, graph optimisations off and on, and compared with the",
          "PyTorch path on a random batch: one JSON line per file, then one with the check."})
  static final class Onnx implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "A model folder, ARCH:TAG, or a registry architecture.")
    String model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The export folder (created).")
    Path out;

    @Option(names = "--quantize", defaultValue = "fp32", paramLabel = "Q",
        description = "fp32 (default); int8: the attention and MLP projections as int8 (per output column, activations quantised at run time); int8-all: the final projections too.")
    String quantize;

    @Override
    public Integer call() throws Exception {
      Quantization q = Quantization.parse(quantize);
      if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out is a file, not a folder: " + out);
      try (LoadedModel m = Models.resolve(model)) {
        List<Path> files = OnnxExport.write(m, out, q);
        for (Path f : files) {
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("file", f.toString());
          line.put("bytes", Files.size(f));
          line.put("quantization", q.label());
          JsonLines.print(line);
        }
        OnnxExport.Verification v = OnnxExport.verify(OnnxExport.clipOf(m), out);
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("check", "ONNX Runtime (optimisations off and on) vs PyTorch, random batch of 2");
        check.put("max_abs_diff", v.maxAbsDiff());
        check.put("min_cosine", v.minCosine());
        JsonLines.print(check);
        // fp32 must agree to float precision; int8 only in direction
        boolean ok = q.any() ? v.minCosine() >= 0.99 : v.minCosine() >= 0.99999;
        if (!ok) System.err.println("vlt: the exported graphs disagree with the model (see the check line)");
        return ok ? 0 : 1;
      }
    }
  }
}
