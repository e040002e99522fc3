package dev.vlt.experiment;

import dev.vlt.infer.ModelInputs;
import dev.vlt.eval.Labeled;
import dev.vlt.eval.LinearProbe;
import dev.vlt.eval.Retrieval;
import dev.vlt.eval.RetrievalMetrics;
import dev.vlt.data.Templates;
import dev.vlt.eval.ZeroShot;
import dev.vlt.eval.suite.EvalSet;
import dev.vlt.models.ContrastiveModel;
import static dev.vlt.eval.Vectors.select;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The standard evaluations of {@code dev.vlt.eval.suite.EvalSuite} — zero-shot with the set's prompt ensemble, retrieval
 * R@1 both ways, linear probe — for any {@link ContrastiveModel} (EvalSuite reads CLIP model folders through Embedder),
 * reduced to the headline numbers an experiment table compares.
 */
final class RunEvaluation {
  static final String ZERO_SHOT = "zero-shot top1";
  static final String T2I = "t2i R@1";
  static final String I2T = "i2t R@1";
  static final String PROBE = "linear probe top1";

  private RunEvaluation() {}

  static Map<String, Double> evaluate(ContrastiveModel model, ModelInputs inputs, EvalSet set) {
    Map<String, Double> out = new LinkedHashMap<>();
    float[][] test = inputs.embedImages(model, set.test().images());
    int[] labelled = labelled(set.test().labels());
    if (set.zeroShot() && labelled.length > 0) {
      List<String> templates = Templates.load(set.templates());
      List<float[][]> perClass = new ArrayList<>();
      for (String c : set.classNames()) perClass.add(inputs.embedTexts(model, Templates.fill(templates, c)));
      double scale = Math.exp(model.logitScale().value().getFloat());
      out.put(ZERO_SHOT, ZeroShot.evaluate(select(test, labelled), ZeroShot.classifier(perClass),
          select(set.test().labels(), labelled), set.classNames(), scale).metrics().top1());
    }
    if (set.test().hasCaptions()) {
      EvalSet.CaptionPairs pairs = set.test().captionPairs();
      RetrievalMetrics r = Retrieval.evaluate(select(test, pairs.imageRows()), inputs.embedTexts(model, pairs.texts()),
          pairs.owner(), 1);
      out.put(T2I, r.textToImage().get("R@1"));
      out.put(I2T, r.imageToText().get("R@1"));
    }
    if (set.train().size() > 0 && set.probeTest().size() > 0) {
      float[][] train = inputs.embedImages(model, set.train().images());
      float[][] probeTest = set.probeTest() == set.test() ? test : inputs.embedImages(model, set.probeTest().images());
      int[] tr = labelled(set.train().labels());
      int[] te = labelled(set.probeTest().labels());
      out.put(PROBE, LinearProbe.evaluate(new Labeled(select(train, tr), select(set.train().labels(), tr)),
          new Labeled(select(probeTest, te), select(set.probeTest().labels(), te)), set.classNames(),
          LinearProbe.Config.DEFAULT).testAccuracy());
    }
    return out;
  }

  private static int[] labelled(int[] labels) {
    return IntStream.range(0, labels.length).filter(i -> labels[i] >= 0).toArray();
  }

}
