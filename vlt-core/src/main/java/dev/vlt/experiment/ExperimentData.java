package dev.vlt.experiment;

import dev.vlt.data.DataSources;
import dev.vlt.data.EmojiSet;
import dev.vlt.data.SampleList;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.data.Templates;
import dev.vlt.eval.suite.EvalSet;
import dev.vlt.eval.suite.EvalSets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One experiment's evaluation side: the evaluation set, matched pairs for the modality analysis, and the text corpus the
 * tokenizer is trained on. (Training reads the same data through {@code vlt train}'s loader.)
 */
public final class ExperimentData {
  private final String description;
  private final EvalSet eval;
  private final List<String> corpus;

  private ExperimentData(String description, EvalSet eval, List<String> corpus) {
    this.description = description;
    this.eval = eval;
    this.corpus = List.copyOf(corpus);
  }

  /** Opens the data an experiment names, rendered (ShapesWorld) or evaluated at {@code imageSize}. */
  public static ExperimentData open(ExperimentSpec.DataSpec spec, int imageSize) throws IOException {
    return spec.name().equals("shapes") ? shapes(spec, imageSize) : emoji(spec);
  }

  /** ShapesWorld scenes of {@code min..max_objects} objects; evaluation: {@link EvalSets#shapes}. */
  static ExperimentData shapes(ExperimentSpec.DataSpec spec, int imageSize) {
    ShapesWorldConfig cfg = ShapesWorldConfig.defaults().withImageSize(imageSize).withObjects(spec.minObjects(), spec.maxObjects());
    ShapesWorld world = new ShapesWorld(cfg);
    List<String> corpus = new ArrayList<>();
    for (int i = 0; i < 2000; i++) corpus.addAll(world.sample(Split.TRAIN, i).captions());
    EvalSet eval = EvalSets.shapes(cfg, spec.evalImages());
    addPrompts(corpus, eval);
    return new ExperimentData("ShapesWorld, " + spec.minObjects() + "-" + spec.maxObjects() + " objects per training scene, "
        + imageSize + " px; zero-shot on held-out colour×shape combinations", eval, corpus);
  }

  /**
   * The emoji set's train pairs (CLDR name as caption), one pass per epoch shuffled by the seed. Evaluation:
   * {@link EvalSets#emoji} (zero-shot over the 9 categories, retrieval by name and probe on test).
   */
  static ExperimentData emoji(ExperimentSpec.DataSpec spec) throws IOException {
    var dir = DataSources.dataDir().resolve("emoji-google-64");
    SampleList train = EmojiSet.read(dir, "train", false);
    List<String> names = train.samples().stream().map(x -> x.captions().get(0)).toList();
    EvalSet eval = EvalSets.emoji(dir);
    List<String> corpus = new ArrayList<>(names);
    addPrompts(corpus, eval);
    return new ExperimentData("Noto emoji: " + names.size() + " train pairs (name captions); zero-shot over "
        + eval.classNames().size() + " categories, retrieval by name and probe on the " + eval.test().size() + " test images",
        eval, corpus);
  }

  /** The zero-shot prompts join the tokenizer corpus, so class words are tokens; they are never training pairs. */
  private static void addPrompts(List<String> corpus, EvalSet eval) {
    List<String> templates = Templates.load(eval.templates());
    for (String c : eval.classNames()) corpus.addAll(Templates.fill(templates, c));
  }

  public EvalSet eval() {
    return eval;
  }

  public List<String> corpus() {
    return corpus;
  }

  public String description() {
    return description;
  }
}
