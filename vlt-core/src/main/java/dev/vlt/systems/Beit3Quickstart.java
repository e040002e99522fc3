package dev.vlt.systems;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.report.HtmlReport;
import dev.vlt.tensor.NoGrad;
import dev.vlt.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * BEiT-3's quickstart in two stages, as the paper trains it (pretrain, then fine-tune), both on ShapesWorld scenes of one
 * or two objects: masked data modeling from scratch ({@link #MDM_STEPS} steps, task {@code beit3}: image-only MIM against
 * the model's own k-means visual tokens, text-only MLM, pair MLM and MIM; through {@link Stage}, so a finished first stage
 * is reused), then multi-task fine-tuning of that checkpoint ({@link #FT_STEPS} steps, task {@code beit3-multitask}: ITC
 * over the image-only and text-only passes + VQA over the pair pass). The one resulting checkpoint is evaluated both ways:
 * VQA accuracy per question type against the majority answer and the question-only prior (as VLC's and METER's
 * quickstarts), and as an embedding model with {@code vlt eval}'s suite on ShapesWorld (zero-shot on held-out colour×shape
 * combinations and text→image retrieval against chance, a linear probe against the majority class).
 */
public final class Beit3Quickstart implements QuickstartSystem {
  static final String MODEL = "beit3-shapes-small";
  static final long MDM_STEPS = 300;
  static final long FT_STEPS = 500;
  static final int BATCH = 24;
  static final int OBJECTS = 2;
  /** Scenes per split whose every question is asked. */
  static final int SCENES = 300;
  static final String MDM_DIR = "mdm";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "beit3";
  }

  @Override
  public String description() {
    return "BEiT-3 (beit3-shapes-small: a Multiway transformer, shared attention, vision / language experts and a "
        + "vision-language expert in the top 2 of 4 layers) pretrained by masked data modeling on ShapesWorld, then fine-tuned "
        + "on ITC + VQA at once; one checkpoint evaluated on VQA per question type (against the majority answer and the "
        + "question-only prior) and on zero-shot and retrieval (against chance)";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    throw new IllegalArgumentException("the beit3 quickstart first pretrains the model it fine-tunes: run it with vlt "
        + "quickstart --system beit3 (or vlt train --model " + MODEL + " --task beit3, then --pretrained that model --task "
        + "beit3-multitask)");
  }

  /** Pretrains into {@code out/mdm/train} (or reuses it), then returns the multi-task fine-tuning of that model. */
  @Override
  public TrainConfig prepare(Path out, long seed, Long steps, String data, Consumer<String> log) throws IOException {
    if (data != null) throw new IllegalArgumentException("--data: the beit3 quickstart trains only on ShapesWorld");
    long mdmSteps = steps != null ? steps : MDM_STEPS;
    Path mdm = Stage.trained(out.resolve(MDM_DIR).resolve("train"), mdmSettings(seed, mdmSteps), "1/2 masked data modeling ("
        + MODEL + ", " + mdmSteps + " steps of " + BATCH + " scenes)", log);
    log.accept("  2/2 multi-task fine-tuning (ITC + VQA) from " + mdm);
    return TrainConfig.fromJson(settings(seed, steps != null ? steps : FT_STEPS, "beit3-multitask")
        .put("pretrained", mdm.toAbsolutePath().toString()));
  }

  /** The first stage's run. */
  static ObjectNode mdmSettings(long seed, long steps) {
    return settings(seed, steps, "beit3");
  }

  private static ObjectNode settings(long seed, long n, String task) {
    return JSON.createObjectNode().put("model", MODEL).put("task", task).put("data", ShapesWorld.NAME).put("seed", seed)
        .put("shapes_objects", OBJECTS).put("crop_scale", 1.0).put("batch_size", BATCH).put("steps", n)
        .put("train_num_samples", BATCH * Math.max(1, n / 4)).put("lr", 1e-3).put("wd", 0.01)
        .put("warmup", Math.min(50, n / 10)).put("zeroshot_frequency", 0).put("log_every_n_steps", 50);
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    List<Figure> figures = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    HtmlReport html = new HtmlReport("vlt quickstart --system beit3: " + description());
    html.section("how it was trained").paragraph("Stage 1, masked data modeling from random weights (" + MDM_DIR + "/train); "
        + "stage 2, multi-task fine-tuning (ITC + VQA) of that model (train). The figures below come from the one stage-2 "
        + "checkpoint: the pair pass answers, the image-only and text-only passes embed.");
    try (LoadedModel lm = Models.load(modelDir); NoGrad ng = NoGrad.open()) {
      lm.module().train(false);
      PreprocessConfig pre = lm.preprocess();
      ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(pre.imageSize()).withObjects(1, OBJECTS));
      ModelInputs inputs = new ModelInputs(new EvalTransform(pre), lm::tokenizer, 64);
      ShapesVqa.evaluate(lm.require(Capability.QUESTION_ANSWERING), inputs, world, SCENES, OBJECTS, html, figures, notes, log);
    }
    Evaluation embedding = ContrastiveQuickstart.suite(modelDir, out.resolve("embedding"), seed, log,
        "vlt quickstart --system beit3: the checkpoint as an embedding model", List.of("shapes"), List.of("shapes"));
    figures.addAll(embedding.figures());
    notes.addAll(embedding.notes());
    html.section("embedding: zero-shot, retrieval, linear probe").paragraph("vlt eval's suite on ShapesWorld (one-object "
        + "scenes, as the clip quickstart's): the image [CLS] of the image-only pass and the text [CLS] of the text-only pass, "
        + "each through its projection. Its own report: embedding/report.html.");
    Path report = out.resolve("report.html");
    html.write(report);
    return new Evaluation(figures, notes, report);
  }
}
