package dev.vlt.data;

/**
 * How a {@link Loader} batches: {@code threads} decode workers, up to {@code prefetchBatches} batches prepared ahead,
 * {@code shuffle} the index order per epoch (indexed sources; streaming sources shuffle themselves from the seed),
 * {@code randomCaption} pick one of several captions at random (else the first), {@code epochs} to run (0 = no end).
 */
public record LoaderConfig(int batchSize, int threads, int prefetchBatches, long seed, boolean shuffle, boolean randomCaption,
    boolean dropLast, int epochs) {
  public LoaderConfig {
    if (batchSize < 1) throw new IllegalArgumentException("batch_size must be at least 1, got " + batchSize);
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    if (prefetchBatches < 1) throw new IllegalArgumentException("prefetch must be at least 1 batch, got " + prefetchBatches);
    if (epochs < 0) throw new IllegalArgumentException("epochs must be 0 (no end) or more, got " + epochs);
  }

  /** Training: shuffled, random caption, partial last batch dropped, endless; one worker per core. */
  public static LoaderConfig train(int batchSize, long seed) {
    return new LoaderConfig(batchSize, Runtime.getRuntime().availableProcessors(), 4, seed, true, true, true, 0);
  }

  /** Evaluation: one pass in source order, first caption, every sample kept. */
  public static LoaderConfig eval(int batchSize) {
    return new LoaderConfig(batchSize, Runtime.getRuntime().availableProcessors(), 4, 0, false, false, false, 1);
  }

  public LoaderConfig withThreads(int n) {
    return new LoaderConfig(batchSize, n, prefetchBatches, seed, shuffle, randomCaption, dropLast, epochs);
  }

  public LoaderConfig withRandomCaption(boolean random) {
    return new LoaderConfig(batchSize, threads, prefetchBatches, seed, shuffle, random, dropLast, epochs);
  }

  public LoaderConfig withEpochs(int n) {
    return new LoaderConfig(batchSize, threads, prefetchBatches, seed, shuffle, randomCaption, dropLast, n);
  }
}
