package dev.vlt.train;

import ai.djl.ndarray.NDManager;
import dev.vlt.data.DataSource;
import dev.vlt.data.Loader;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.albef.AlbefRetrieval;
import dev.vlt.models.albef.AlbefVqa;
import dev.vlt.models.beit3.Beit3;
import dev.vlt.models.coca.Coca;
import dev.vlt.models.flava.Flava;
import dev.vlt.models.meter.Meter;
import dev.vlt.models.mae.Mae;
import dev.vlt.models.simla.Simla;
import dev.vlt.models.vlc.Vlc;
import dev.vlt.objectives.CocaLoss;
import dev.vlt.tokenize.Tokenizer;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one table of training tasks, by the names architectures list ({@code Architecture.tasks()}). A new objective is a
 * line here and a {@link Task}; the {@link Trainer} runs them all.
 */
public final class Tasks {
  /**
   * What a task is built from: {@code tokenizer} is the run's (for tasks that tokenize texts of their own: questions,
   * answers, grounding's expressions; null when the caller has none, and then the model's own is used), {@code source}
   * the training data and {@code pairs} reads every training sample once, in source order, with the evaluation transform
   * (for tasks that score each sample, as NLIP does; null when the caller has none).
   */
  public record Context(LoadedModel model, TrainConfig config, NDManager manager, ModelWriter writer, Tokenizer tokenizer,
      DataSource source, Loader pairs) {
    public Context(LoadedModel model, TrainConfig config, NDManager manager, ModelWriter writer, Tokenizer tokenizer) {
      this(model, config, manager, writer, tokenizer, null, null);
    }

    public Context(LoadedModel model, TrainConfig config, NDManager manager, ModelWriter writer) {
      this(model, config, manager, writer, null, null, null);
    }

    /** The run's tokenizer, else the model's. */
    public Tokenizer textTokenizer() {
      return tokenizer != null ? tokenizer : model.tokenizer();
    }
  }

  /** A task's name, what it optimises, and how to build it. */
  public record Entry(String name, String description, Function<Context, Task<?, ?>> factory) {}

  private static final List<Entry> ALL = List.of(
      new Entry("contrastive", "CLIP's symmetric InfoNCE over the batch (open_clip's ClipLoss)",
          c -> new ContrastiveTask(c.model().module(), ContrastiveTask.Objective.CONTRASTIVE, 0, c.manager(), c.writer())),
      new Entry("sigmoid", "SigLIP's pairwise sigmoid loss with a learned bias (starts at -10)",
          c -> new ContrastiveTask(c.model().module(), ContrastiveTask.Objective.SIGMOID, -10, c.manager(), c.writer())),
      new Entry("coca", "CoCa: contrastive + captioning cross-entropy (open_clip's CoCaLoss, weights 1 and 2)",
          c -> new CocaTask(c.model().as(Coca.class), new CocaLoss(c.config().coca().contrastiveWeight(),
              c.config().coca().captionWeight(), Coca.PAD_ID), c.config().coca().tokenDropout(), c.config().seed(), c.writer())),
      new Entry("albef", "ALBEF: momentum-distilled contrastive loss with a feature queue + matching on mined hard negatives",
          c -> new AlbefTask(c.model().as(AlbefRetrieval.class), c.config().seed(), c.writer())),
      new Entry("albef-vqa", "ALBEF VQA: the answer decoder's teacher-forced loss, distilled from its momentum copy",
          c -> new AlbefVqaTask(c.model().as(AlbefVqa.class), c.tokenizer(), c.config().seed(), c.writer())),
      new Entry("meter", "METER: masked language modeling + image-text matching (a random image for half the pairs) + VQA "
          + "answer classification (--loss-weight itm|mlm|vqa=W)",
          c -> new MeterTask(c.model().as(Meter.class), c.tokenizer(), c.config().lossWeights(), c.config().seed(), c.writer())),
      new Entry("vlc", "VLC: with 60 % of the patches dropped in every pass, MLM + masked image modeling (MAE's decoder on the "
          + "fused image tokens, per-patch normalised pixels of the dropped patches) + ITM (a random image for half the pairs); "
          + "and a VQA head trained jointly (2 questions per scene, every patch visible; --loss-weight mlm|itm|mim|vqa=W; vqa=0: captions only)",
          c -> new VlcTask(c.model().as(Vlc.class), c.tokenizer(), c.config().lossWeights(), c.config().seed(), c.writer())),
      new Entry("beit3", "BEiT-3 masked data modeling: image-only MIM (40 % of the patches masked block-wise, targets the model's "
          + "k-means visual tokens), text-only MLM (15 %), and over image-text pairs MLM (50 %) and MIM; --loss-weight "
          + "mim|mlm|pair_mlm|pair_mim|itc|vqa=W",
          c -> new Beit3Task(c.model().as(Beit3.class), c.textTokenizer(), Beit3Task.PRETRAINING, c.config().lossWeights(),
              c.config().seed(), c.writer())),
      new Entry("beit3-multitask", "BEiT-3 multi-task fine-tuning, so one checkpoint embeds and answers: ITC between the "
          + "image-only and text-only passes' projected [CLS] + VQA over the pair pass (2 questions per scene)",
          c -> new Beit3Task(c.model().as(Beit3.class), c.textTokenizer(), Beit3Task.MULTITASK, c.config().lossWeights(),
              c.config().seed(), c.writer())),
      new Entry("flava", "FLAVA pretraining, its five objectives at weight 1: MIM (the image encoder on 75/196 of the patches "
          + "masked block-wise, targets the model's k-means visual tokens), MLM (15 %), masked multimodal modeling (both "
          + "masked, the multimodal encoder, image and text heads on matching pairs), ITM (a random other image for half the "
          + "pairs) and the global contrastive loss; --loss-weight mim|mlm|mmm_image|mmm_text|itm|itc|vqa=W",
          c -> new FlavaTask(c.model().as(Flava.class), c.textTokenizer(), FlavaTask.PRETRAINING, c.config().lossWeights(),
              c.config().seed(), c.writer())),
      new Entry("flava-multitask", "FLAVA multi-task fine-tuning, so one checkpoint embeds, matches and answers: ITC + ITM over "
          + "unmasked pairs + VQA on the multimodal [CLS] (2 questions per scene; needs a config with answers)",
          c -> new FlavaTask(c.model().as(Flava.class), c.textTokenizer(), FlavaTask.MULTITASK, c.config().lossWeights(),
              c.config().seed(), c.writer())),
      new Entry("pacl", "PACL: patch-aligned contrastive loss; towers that come trained (--pretrained) stay frozen, as in the paper",
          c -> PaclTask.create(c, true)),
      new Entry("pacl-unfrozen", "PACL's loss with the towers trained as well as the patch embedder",
          c -> PaclTask.create(c, false)),
      new Entry("nlip", "NLIP's noise harmonization: per-pair noise probabilities from a mixture over each epoch's fixed-pass losses "
          + "soften the contrastive targets and push likely-noisy pairs apart; with --noise-completion (CoCa) also its "
          + "concept-conditioned captioner, which rewrites the captions of pairs judged noisy",
          c -> new NlipTask(c.model().module(), c.source(), c.pairs(), c.config().stepsPerEpoch(), c.config().nlip(), c.writer(),
              c.textTokenizer())),
      new Entry("unicl", "Florence's UniCL: image-label and image-text data in one contrastive space; samples sharing a class, "
          + "or a caption, are positives of each other",
          c -> new UniclTask(c.model().module(), c.writer())),
      new Entry("mae", "MAE: pixel regression on the removed patches (targets per-patch normalised when the config's "
          + "norm_pix_loss is true); captions are ignored",
          c -> new MaeTask(c.model().as(Mae.class), c.config().seed(), c.writer())),
      new Entry("univlc", "OmniVL's UniVLC: contrastive over images and clips, same label or same caption text = positive; "
          + "an OmniVL with decoder_cfg also trains its caption decoder (--loss-weight caption=W, default 1); "
          + "--loss-weight time_order=W adds each clip reversed as a hard negative for its own text (not in OmniVL)",
          UniVlcTask::of),
      new Entry("indigo", "INDIGO: the class token's cross-entropy + the CLIP token's cross-entropy over class × domain prompts of "
          + "the frozen text tower, weighted equally; the CLIP stays frozen (data with domains, e.g. emoji-styles)",
          IndigoTask::create),
      new Entry("mov", "MOV: cross-entropy of the fused video embedding (RGB + flow + sound) over the text embeddings of the data's "
          + "class names; the starting video-language model (RGB and text towers) stays frozen, flow and audio copies and the "
          + "fusion train (labelled clips of the base classes, e.g. shapes-clip-motions:train:move-left,move-right,grow)",
          c -> MovTask.create(c, true)),
      new Entry("mov-unfrozen", "MOV's loss with the RGB and text towers trained too (the ablation of keeping them frozen)",
          c -> MovTask.create(c, false)),
      new Entry("simla", "SimLA: ALBEF's distilled contrastive loss and hard-negative matching, cross-modal reconstruction both ways "
          + "through one fusion (masked text attends to the image, hidden patches' pixels attend to the text) and keyword "
          + "prediction from the image (targets: the momentum fusion's [CLS] attention); captions only",
          c -> new SimlaTask(c.model().as(Simla.class), c.textTokenizer(), c.config().seed(), c.writer())),
      new Entry("grounding", "TransVG's box regression: one referring expression per image, L1 (weight 5) + GIoU (weight 2) on the "
          + "normalised box", GroundingTask::of),
      new Entry("loupe", "LOUPE: contrastive on the captions + the region head's cross-entropy towards each noun phrase's "
          + "candidate region of largest sampled Shapley interaction + the neural Shapley module's Gaussian likelihood of the "
          + "sampled interactions (--loss-weight contrastive|region|shapley=W); boxes are never read", LoupeTask::of),
      new Entry("internvideo", "InternVideo's fusion stage: UniVLC's contrastive loss on the fused video embedding (the cross-model "
          + "attention over both backbones) against the text tower, same caption or label = positive, --loss-weight "
          + "time_order=W adds each clip reversed as a hard negative; both backbones and the text tower frozen, only the "
          + "cross-model attention trains (start from trained backbones with --init-from)", InternVideoTasks::crossModel),
      new Entry("internvideo-mvm", "InternVideo's masked-video stage: VideoMAE's pixel loss on tube-masked clips, only the "
          + "masked-video backbone trains; captions are ignored", InternVideoTasks::maskedVideo),
      new Entry("internvideo-vl", "InternVideo's video-language stage: video-text contrastive + captioning cross-entropy (CoCa's "
          + "loss and --coca weights) over clip-caption pairs, only the video-language backbone and its caption decoder train",
          InternVideoTasks::videoLanguage));

  private Tasks() {}

  public static List<Entry> all() {
    return ALL;
  }

  public static Entry get(String name) {
    for (Entry e : ALL) if (e.name().equals(name)) return e;
    throw new IllegalArgumentException("unknown task '" + name + "'; known: " + ALL.stream().map(Entry::name).collect(Collectors.joining(", ")));
  }

  /** The task {@code name} for the context's model; one line when the model's architecture does not train on it. */
  public static Task<?, ?> create(String name, Context c) {
    Entry e = get(name);
    List<String> own = c.model().architecture().tasks();
    if (!own.contains(name)) {
      throw new IllegalArgumentException("--task " + name + " does not train a " + c.model().architecture().title()
          + " model; its tasks are " + String.join(", ", own));
    }
    return e.factory().apply(c);
  }
}
