package dev.vlt.data;

import java.util.Iterator;
import java.util.stream.LongStream;

/**
 * An endless source whose samples are computed from their index (ShapesWorld). An epoch is {@link #epochSize()} fresh
 * samples: position i of epoch e is sample e · epochSize + i, so any position is reached without reading what came before.
 */
public interface GeneratedSource extends DataSource {
  /** Sample {@code index} (0, 1, 2, … without end). */
  Sample get(long index);

  /** Samples per epoch (open_clip's {@code --train-num-samples} for an endless source). */
  long epochSize();

  @Override
  default long size() {
    return epochSize();
  }

  /** Epoch {@code epoch}'s samples from position {@code from} on. */
  default Iterator<Sample> epoch(int epoch, long from) {
    long first = epoch * epochSize();
    return LongStream.range(first + from, first + epochSize()).mapToObj(this::get).iterator();
  }

  /** The first epoch (the loader uses {@link #epoch}, which knows the epoch number). */
  @Override
  default Iterator<Sample> stream(long seed, SkipReport skips) {
    return epoch(0, 0);
  }
}
