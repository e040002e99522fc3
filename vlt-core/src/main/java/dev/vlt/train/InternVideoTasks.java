package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.models.coca.Coca;
import dev.vlt.models.coca.CocaOutput;
import dev.vlt.models.internvideo.InternVideo;
import dev.vlt.models.internvideo.InternVideo.Trainable;
import dev.vlt.models.video.JointVitConfig;
import dev.vlt.models.video.VideoMaeOutput;
import dev.vlt.objectives.CocaLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.MaskedPixelLoss;
import dev.vlt.objectives.PixelTargets;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * InternVideo's three stages as tasks, each training one part with the rest frozen ({@link InternVideo#trainOnly}):
 * {@code internvideo-mvm} the masked-video backbone (VideoMAE's pixel loss on tube-masked clips; captions ignored),
 * {@code internvideo-vl} the video-language backbone and its caption decoder (CoCa's contrastive + captioning loss over
 * clip-caption pairs), {@code internvideo} the cross-model attention: contrastive on the fused video embedding against
 * the frozen text tower, as {@link UniVlcTask} computes it (clips sharing a caption, or a label when the data mixes in
 * labelled clips, are positives of each other; with one caption per clip and no labels it is CLIP's loss), and with
 * {@code --loss-weight time_order=W} each clip's reverse as a hard negative for its own text. That term could not move
 * OmniVL's order-blind encoder; over a frozen masked-video backbone that sees frame order it has something to use.
 */
final class InternVideoTasks {
  private InternVideoTasks() {}

  static Task<?, ?> maskedVideo(Tasks.Context c) {
    InternVideo m = model(c, "internvideo-mvm");
    m.trainOnly(Trainable.MASKED_VIDEO);
    return new MaskedVideo(m, c.model().preprocess().mean(), c.model().preprocess().std(), c.config().seed(), c.writer());
  }

  static Task<?, ?> videoLanguage(Tasks.Context c) {
    InternVideo m = model(c, "internvideo-vl");
    m.trainOnly(Trainable.VIDEO_LANGUAGE);
    return new VideoLanguage(m, new CocaLoss(c.config().coca().contrastiveWeight(), c.config().coca().captionWeight(), Coca.PAD_ID),
        c.writer());
  }

  static Task<?, ?> crossModel(Tasks.Context c) {
    InternVideo m = model(c, "internvideo");
    m.trainOnly(Trainable.CROSS_MODEL);
    return new UniVlcTask(m, c.writer(), c.config().lossWeights());
  }

  private static InternVideo model(Tasks.Context c, String task) {
    if (!(c.model().module() instanceof InternVideo m)) {
      throw new IllegalArgumentException("--task " + task + " trains an InternVideo model (e.g. --model internvideo-shapes-small), not "
          + c.model().architecture().title());
    }
    return m;
  }

  /**
   * VideoMAE's pretraining of the masked-video backbone: a fresh tube mask per clip and per pass, the decoder's predictions
   * of the masked tubelets against VideoMAE's per-tubelet normalised pixels ({@link PixelTargets#video}).
   */
  static final class MaskedVideo implements Task<MaskedVideo.Clips, MaskedVideo.Outputs> {
    /** clips [B, C, T, S, S] normalised; mask [B, N] int64, 1 = masked. */
    record Clips(NDArray clips, NDArray mask) {}

    /** Predictions and targets of the masked tubelets [B, M, k_t·P·P·C]. */
    record Outputs(NDArray pred, NDArray target) implements StepOutput<Outputs> {
      @Override
      public Outputs joined(List<Outputs> parts) {
        return new Outputs(StepOutput.rows(parts, Outputs::pred), StepOutput.rows(parts, Outputs::target));
      }

      @Override
      public Map<String, NDArray> scalars() {
        return Map.of();
      }
    }

    private final InternVideo model;
    private final float[] mean;
    private final float[] std;
    private final long seed;
    private final ModelWriter writer;

    /** @param mean the per-channel mean (and {@code std}) the clips were normalised with, undone for the pixel targets */
    MaskedVideo(InternVideo model, float[] mean, float[] std, long seed, ModelWriter writer) {
      this.model = model;
      this.mean = mean;
      this.std = std;
      this.seed = seed;
      this.writer = writer;
    }

    @Override
    public Module module() {
      return model;
    }

    /** Tube masks drawn from (seed, the loader's position after the batch), so a resumed run draws the same. */
    @Override
    public Clips collate(Batch batch, NDManager manager) {
      NDArray clips = batch.images();
      if (clips.getShape().dimension() != 5) throw new IllegalArgumentException("masked video modeling trains on clips, got images " + clips.getShape());
      SplittableRandom rng = new SplittableRandom(SplitMix.mix(SplitMix.mix(seed, batch.next().epoch()), batch.next().index()));
      return new Clips(clips, model.maskedVideo().masking().sample(manager, batch.size(), rng));
    }

    @Override
    public Outputs forward(Clips b) {
      VideoMaeOutput out = model.maskedVideo().forward(b.clips(), b.mask(), Trace.NONE);
      JointVitConfig e = model.config().mvm().encoder();
      NDArray target;
      try (NoGrad ng = NoGrad.open()) {
        NDArray all = PixelTargets.video(b.clips(), e.tubelet(), e.patchSize(), mean, std, model.config().mvm().normalizeTarget());
        target = Ops.gatherRows(all, out.tokens().masked()).toType(DataType.FLOAT32, false);   // [B, M, k_t·P·P·C]
      }
      return new Outputs(out.pred(), target);
    }

    @Override
    public LossTerms loss(Outputs o) {
      return MaskedPixelLoss.compute(o.pred(), o.target());
    }

    @Override
    public boolean couplesBatch() {
      return false;
    }

    @Override
    public void saveModel(Path dir) throws IOException {
      writer.write(dir);
    }
  }

  /** The video-language backbone: contrastive over clip-caption pairs + the caption decoder's cross-entropy (CoCa's loss). */
  static final class VideoLanguage implements Task<TrainBatch, CocaTask.Outputs> {
    private final InternVideo model;
    private final CocaLoss loss;
    private final ModelWriter writer;

    VideoLanguage(InternVideo model, CocaLoss loss, ModelWriter writer) {
      this.model = model;
      this.loss = loss;
      this.writer = writer;
    }

    @Override
    public Module module() {
      return model;
    }

    @Override
    public TrainBatch collate(Batch batch, NDManager manager) {
      if (batch.images().getShape().dimension() != 5) {
        throw new IllegalArgumentException("the video-language stage trains on clips, got images " + batch.images().getShape());
      }
      return new TrainBatch(batch.images(), manager.create(batch.tokens()).toType(DataType.INT64, false));
    }

    @Override
    public CocaTask.Outputs forward(TrainBatch b) {
      CocaOutput out = model.videoLanguage().captionForward(b.images(), b.tokens());
      return new CocaTask.Outputs(out);
    }

    @Override
    public LossTerms loss(CocaTask.Outputs o) {
      return loss.compute(o.out());
    }

    @Override
    public void afterStep() {
      ContrastiveTask.clampLogitScale(model.logitScale());
    }

    @Override
    public void saveModel(Path dir) throws IOException {
      writer.write(dir);
    }
  }
}
