package dev.vlt.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.vlt.data.Batch;
import dev.vlt.data.DataSource;
import dev.vlt.data.Loader;
import dev.vlt.data.LoaderConfig;
import dev.vlt.data.SkipReport;
import dev.vlt.data.Templates;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.eval.Retrieval;
import dev.vlt.eval.RetrievalMetrics;
import dev.vlt.eval.ZeroShot;
import dev.vlt.eval.ZeroShotMetrics;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluation on a held-out source ({@code --val-data}), read through the same loader as training with the eval
 * transform: image↔text retrieval R@1 and R@5 both ways on each sample's first caption, and, where the source has labelled
 * classes, zero-shot top-1 and top-5 with the class names in prompt templates. At most {@code maxSamples} samples, the
 * source's first ones, so every evaluation sees the same set.
 */
public final class ValEvaluation implements Evaluator {
  private static final int BATCH = 64;

  private final DataSource source;
  private final ContrastiveModel model;
  private final Tokenizer tokenizer;
  private final PreprocessConfig preprocess;
  private final int maxSamples;
  private final List<String> templates;
  private final SkipReport skips = SkipReport.quiet();

  /** @param templates the prompt templates zero-shot fills with the class names */
  public ValEvaluation(DataSource source, ContrastiveModel model, Tokenizer tokenizer, PreprocessConfig preprocess, int maxSamples,
      List<String> templates) {
    this.source = source;
    this.model = model;
    this.tokenizer = tokenizer;
    this.preprocess = preprocess;
    this.maxSamples = maxSamples;
    this.templates = templates;
  }

  @Override
  public Map<String, Double> evaluate() {
    List<float[]> images = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    Loader loader = new Loader(source, new EvalTransform(preprocess), LoaderConfig.eval(BATCH), skips);
    try (NDManager m = NDManager.newBaseManager(); Loader.Run run = loader.open(m); NoGrad ng = NoGrad.open()) {
      while (images.size() < maxSamples && run.hasNext()) {
        try (NDScope scope = new NDScope()) {
          Batch b = run.next();
          float[][] rows = ModelInputs.rows(model.encodeImage(b.images(), true));
          for (int i = 0; i < b.size() && images.size() < maxSamples; i++) {
            images.add(rows[i]);
            captions.add(b.captions().get(i));
            labels.add(b.samples().get(i).label());
          }
        }
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    if (images.size() < 2) return out;
    ModelInputs inputs = new ModelInputs(new EvalTransform(preprocess), tokenizer, BATCH);
    float[][] img = images.toArray(new float[0][]);
    if (captions.stream().noneMatch(String::isEmpty)) {
      int[] owner = new int[img.length];
      for (int i = 0; i < owner.length; i++) owner[i] = i;
      RetrievalMetrics r = Retrieval.evaluate(img, inputs.embedTexts(model, captions), owner, 1, 5);
      out.put("val_image_to_text_r1", r.imageToText().get("R@1"));
      out.put("val_image_to_text_r5", r.imageToText().get("R@5"));
      out.put("val_text_to_image_r1", r.textToImage().get("R@1"));
      out.put("val_text_to_image_r5", r.textToImage().get("R@5"));
    }
    List<String> classes = source.classNames();
    int[] rows = java.util.stream.IntStream.range(0, labels.size()).filter(i -> labels.get(i) >= 0).toArray();
    if (!classes.isEmpty() && rows.length > 0) {
      List<float[][]> perClass = new ArrayList<>();
      for (String c : classes) perClass.add(inputs.embedTexts(model, Templates.fill(templates, c.replace('_', ' '))));
      float[][] selected = new float[rows.length][];
      int[] y = new int[rows.length];
      for (int i = 0; i < rows.length; i++) {
        selected[i] = img[rows[i]];
        y[i] = labels.get(rows[i]);
      }
      ZeroShotMetrics z = ZeroShot.evaluate(selected, ZeroShot.classifier(perClass), y, classes, ZeroShot.CLIP_LOGIT_SCALE).metrics();
      out.put("val_zeroshot_top1", z.top1());
      out.put("val_zeroshot_top5", z.top5());
    }
    return out;
  }
}
