package dev.vlt.cli;

import dev.vlt.bench.ModelBench;
import dev.vlt.tensor.Engines;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    subcommands = {BenchTokenizerCommand.class, BenchDataCommand.class, BenchSearchCommand.class, BenchTrainCommand.class,
        BenchInt8Command.class},
    description = {"Measure speed: ViT-B-32 encoders (random weights), a small CLIP's training step, and the machine's",
        "fp32 matmul GFLOP/s so each figure reads as a fraction of the machine's limit.",
        "Eager PyTorch on this 2-core machine: ViT-B/32 ≈ 25 images/s (batch 8), small CLIP training ≈ 59 samples/s."})
public final class BenchCommand implements Callable<Integer> {
  @Mixin ThreadsOption threads;

  @Option(names = "--engine", paramLabel = "ENGINE",
      description = "onnx: ViT-B-32's image encoder on ONNX Runtime in fp32 and int8 beside DJL, batch 8 and batch 1.")
  String engine;

  @Override
  public Integer call() {
    threads.apply();
    long t0 = System.nanoTime();
    if (engine != null) {
      if (!engine.equals("onnx")) throw new IllegalArgumentException("--engine for bench is onnx (it measures fp32 and int8), got '" + engine + "'");
      return onnx(t0);
    }
    Map<String, Double> r = ModelBench.standard();
    double gflops = r.get("matmul_gflops");
    // ViT-B/32 at 224 px: ≈ 4.4 G multiply-adds = 8.8 GFLOP per image forward
    System.out.printf("threads                         %.0f%n", r.get("threads"));
    System.out.printf("oneMKL kernels                  %s%n", Engines.mklDispatch());
    System.out.printf("fp32 matmul, best shape         %.1f GFLOP/s%n", gflops);
    double ips = r.get("vit_b32_image_batch8_images_per_s");
    System.out.printf("ViT-B-32 image encoder, batch 8 %.1f images/s (≈ %.0f%% of the matmul ceiling; eager PyTorch ≈ 25)%n",
        ips, 100 * ips * 8.8 / gflops);
    System.out.printf("ViT-B-32 image encoder, batch 1 %.1f ms latency%n", r.get("vit_b32_image_batch1_latency_ms"));
    System.out.printf("ViT-B-32 text encoder, batch 8  %.1f texts/s%n", r.get("vit_b32_text_batch8_texts_per_s"));
    System.out.printf("small CLIP training, batch 32   %.1f samples/s (eager PyTorch ≈ 59)%n",
        r.get("small_clip_train_batch32_samples_per_s"));
    System.out.printf("(bench took %.0f s)%n", (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  private static Integer onnx(long t0) {
    Map<String, Double> r = ModelBench.onnx();
    double djl = r.get("djl_batch8_images_per_s");
    System.out.printf("threads                                  %.0f%n", r.get("threads"));
    System.out.printf("ViT-B-32 image encoder  engine          batch 8        batch 1%n");
    System.out.printf("                        djl (PyTorch)   %6.1f img/s  %6.1f ms%n", djl, r.get("djl_batch1_latency_ms"));
    for (String q : new String[] {"fp32", "int8"}) {
      double ips = r.get("onnx_" + q + "_batch8_images_per_s");
      System.out.printf("                        onnx %-10s %6.1f img/s  %6.1f ms   (%.2fx djl)%n", q, ips,
          r.get("onnx_" + q + "_batch1_latency_ms"), ips / djl);
    }
    System.out.println("int8: attention and MLP weights per output column, activations per tensor at run time; patch embedding and");
    System.out.println("projection fp32. Eager PyTorch: ../shared/tools/torch-ref/vit_b32_infer.py, measured side by side.");
    System.out.printf("(bench took %.0f s)%n", (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
