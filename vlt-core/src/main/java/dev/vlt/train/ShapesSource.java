package dev.vlt.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.Split;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * ShapesWorld image-caption pairs for training. ShapesWorld is endless, so an "epoch" is {@code samplesPerEpoch} fresh
 * samples (open_clip's {@code --train-num-samples}): sample {@code epoch · samplesPerEpoch + index} of the split. Each
 * sample's caption is one of its phrasings, picked by a hash of (seed, sample), so a position alone fixes the batch.
 */
public final class ShapesSource implements BatchSource {
  private final ShapesWorld world;
  private final Split split;
  private final int batchSize;
  private final long samplesPerEpoch;
  private final Tokenizer tokenizer;
  private final PreprocessConfig preprocess;
  private final long seed;
  private Position position = Position.START;

  /**
   * @param world renders at the model's input size ({@code preprocess.imageSize()}), so no resize is needed
   * @param samplesPerEpoch a multiple of {@code batchSize}: an epoch ends exactly at a batch boundary
   */
  public ShapesSource(ShapesWorld world, Split split, int batchSize, long samplesPerEpoch, Tokenizer tokenizer,
      PreprocessConfig preprocess, long seed) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    if (samplesPerEpoch < batchSize || samplesPerEpoch % batchSize != 0) {
      throw new IllegalArgumentException("samples per epoch " + samplesPerEpoch + " must be a positive multiple of the batch size " + batchSize);
    }
    checkSize(world, preprocess);
    this.world = world;
    this.split = split;
    this.batchSize = batchSize;
    this.samplesPerEpoch = samplesPerEpoch;
    this.tokenizer = tokenizer;
    this.preprocess = preprocess;
    this.seed = seed;
  }

  static void checkSize(ShapesWorld world, PreprocessConfig preprocess) {
    // TODO(lead): once dev.vlt.data lands, resize through its PIL-exact transform instead of rendering at the model size
    if (world.config().imageSize() != preprocess.imageSize()) {
      throw new IllegalArgumentException("ShapesWorld renders " + world.config().imageSize() + " px images but the model wants "
          + preprocess.imageSize() + " px; render at the model size");
    }
  }

  @Override
  public TrainBatch next(NDManager manager) {
    int s = preprocess.imageSize();
    float[] pixels = new float[batchSize * 3 * s * s];
    List<String> captions = new ArrayList<>(batchSize);
    long first = (long) position.epoch() * samplesPerEpoch + position.index();
    for (int i = 0; i < batchSize; i++) {
      ShapesSample sample = world.sample(split, first + i);
      normalise(sample, preprocess, pixels, i * 3 * s * s);
      captions.add(sample.captions().get(pick(seed, first + i, sample.captions().size())));
    }
    long index = position.index() + batchSize;
    position = index == samplesPerEpoch ? new Position(position.epoch() + 1, 0) : new Position(position.epoch(), index);
    long[][] ids = tokenizer.tokenize(captions);
    long[] flat = new long[batchSize * ids[0].length];
    for (int i = 0; i < batchSize; i++) System.arraycopy(ids[i], 0, flat, i * ids[0].length, ids[0].length);
    return new TrainBatch(manager.create(pixels, new Shape(batchSize, 3, s, s)),
        manager.create(flat, new Shape(batchSize, ids[0].length)).toType(DataType.INT64, false));
  }

  /**
   * Writes {@code sample}'s pixels as CHW floats (x/255 − mean)/std into {@code out} from {@code offset}: what the
   * model's preprocessing gives for an image already at its size (open_clip's resize and centre crop are then no-ops).
   */
  static void normalise(ShapesSample sample, PreprocessConfig preprocess, float[] out, int offset) {
    int[] rgb = sample.pixels();
    int plane = rgb.length;
    float[] mean = preprocess.mean();
    float[] std = preprocess.std();
    for (int c = 0; c < 3; c++) {
      int shift = 16 - 8 * c;
      for (int p = 0; p < plane; p++) out[offset + c * plane + p] = (((rgb[p] >> shift) & 0xFF) / 255f - mean[c]) / std[c];
    }
  }

  /** A caption index in [0, n) from (seed, sample), independent of batch size and thread. */
  private static int pick(long seed, long sample, int n) {
    return (int) Math.floorMod(SplitMix.mix(seed, sample), (long) n);
  }

  @Override
  public Position position() {
    return position;
  }

  @Override
  public void seek(Position p) {
    if (p.index() % batchSize != 0 || p.index() >= samplesPerEpoch) {
      throw new IllegalArgumentException("data position " + p + " is not a batch start of a " + samplesPerEpoch + "-sample epoch");
    }
    position = p;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public String describe() {
    var c = world.config();
    return "shapes/" + split.word() + " (" + c.minObjects() + "-" + c.maxObjects() + " objects, " + c.imageSize() + " px, "
        + samplesPerEpoch + " samples per epoch)";
  }
}
