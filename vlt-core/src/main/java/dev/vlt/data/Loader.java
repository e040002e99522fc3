package dev.vlt.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.image.ImageTransform;
import dev.vlt.data.image.Raster8;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Decodes and preprocesses samples on worker threads and collates them into batches, in an order fixed by the seed alone:
 * one feeder thread walks the epoch's order and queues each sample's work as a future, the caller takes futures in that
 * order, so thread count and timing never change which samples form which batch. Per-sample randomness (crop, caption) is
 * seeded from (seed, epoch, index). Bad samples are skipped into the {@link SkipReport}, never silently.
 */
public final class Loader {
  /** Where a run stands: {@code index} samples of {@code epoch}'s order are consumed (skipped ones included). */
  public record Position(int epoch, long index) {
    public static final Position START = new Position(0, 0);

    public Position {
      if (epoch < 0 || index < 0) throw new IllegalArgumentException("position must be non-negative, got " + epoch + "/" + index);
    }
  }

  private final DataSource source;
  private final ImageTransform transform;
  private final LoaderConfig cfg;
  private final SkipReport skips;
  private final Function<String, long[]> tokenizer;
  private final int frames;

  /** @param tokenizer turns the chosen caption into token ids on the worker threads; null to leave captions as text */
  public Loader(DataSource source, ImageTransform transform, LoaderConfig cfg, SkipReport skips, Function<String, long[]> tokenizer) {
    this(source, transform, cfg, skips, tokenizer, 0);
  }

  /**
   * A loader for a video model when {@code frames} > 0: batches hold clips [B, 3, T, S, S] (T = frames), each video
   * sample's frames drawn one per equal segment (at random when the config shuffles, else the segment centres) and each
   * frame preprocessed as an image; an image sample becomes a still clip of T equal frames.
   */
  public Loader(DataSource source, ImageTransform transform, LoaderConfig cfg, SkipReport skips, Function<String, long[]> tokenizer,
      int frames) {
    if (frames < 0) throw new IllegalArgumentException("frames must be 0 (images) or more, got " + frames);
    this.source = source;
    this.transform = transform;
    this.cfg = cfg;
    this.skips = skips;
    this.tokenizer = tokenizer;
    this.frames = frames;
  }

  public Loader(DataSource source, ImageTransform transform, LoaderConfig cfg, SkipReport skips) {
    this(source, transform, cfg, skips, null);
  }

  /** What the loader reads, for logs. */
  public String describe() {
    return source.describe();
  }

  /** Batches per epoch before skips, or -1 for a source of unknown size. */
  public long batchesPerEpoch() {
    long n = source.size();
    if (n < 0) return -1;
    return cfg.dropLast() ? n / cfg.batchSize() : (n + cfg.batchSize() - 1) / cfg.batchSize();
  }

  /** Starts the threads; batches' images are created in {@code manager} on the calling thread of {@link Run#next()}. */
  public Run open(NDManager manager, Position from) {
    return new Run(manager, from);
  }

  public Run open(NDManager manager) {
    return open(manager, Position.START);
  }

  /** A deterministic 64-bit mix of the seed parts (the finaliser of SplitMix64 / MurmurHash3). */
  static long mix(long seed, long epoch, long index) {
    long h = seed;
    for (long part : new long[] {epoch, index}) {
      h += 0x9E3779B97F4A7C15L * (part + 1);
      h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
      h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
      h ^= h >>> 31;
    }
    return h;
  }

  /** One sample ready to collate, or a skip (null pixels). */
  private record Prepared(Sample sample, float[] pixels, String caption, long[] tokens) {}

  /** What the feeder queues, in order. */
  private sealed interface Item permits Work, EpochEnd, End, Failed {}

  private record Work(int epoch, long index, Future<Prepared> result) implements Item {}

  private record EpochEnd(int epoch) implements Item {}

  private record End() implements Item {}

  private record Failed(RuntimeException error) implements Item {}

  /** A running loader: an iterator of batches that owns threads, so close it. */
  public final class Run implements Iterator<Batch>, AutoCloseable {
    private final NDManager manager;
    private final ExecutorService workers;
    private final Thread feeder;
    private final BlockingQueue<Item> queue;
    // Per-sample pixel buffers go back to the workers once copied into a batch: 600 KB arrays are costly to collect.
    private final ConcurrentLinkedQueue<float[]> spareBuffers = new ConcurrentLinkedQueue<>();
    private float[] staging; // the batch being collated; NDArray creation copies it, so one array serves every batch
    private Batch ready;
    private boolean finished;
    private Position position;
    private long samplesDelivered;

    private Run(NDManager manager, Position from) {
      this.manager = manager;
      this.position = from;
      this.queue = new ArrayBlockingQueue<>(cfg.prefetchBatches() * cfg.batchSize() + 2);
      this.workers = Executors.newFixedThreadPool(cfg.threads(), r -> daemon(r, "vlt-loader-worker"));
      this.feeder = daemon(() -> feed(from), "vlt-loader-feeder");
      feeder.start();
    }

    /** Where to resume to continue after the last batch returned. */
    public Position position() {
      return position;
    }

    /** Samples returned in batches by this run. */
    public long samplesDelivered() {
      return samplesDelivered;
    }

    @Override
    public boolean hasNext() {
      if (ready == null && !finished) ready = collate();
      return ready != null;
    }

    @Override
    public Batch next() {
      if (!hasNext()) throw new NoSuchElementException();
      Batch b = ready;
      ready = null;
      position = b.next();
      samplesDelivered += b.size();
      return b;
    }

    @Override
    public void close() {
      finished = true;
      feeder.interrupt();
      workers.shutdownNow();
    }

    private void feed(Position from) {
      try {
        for (int epoch = from.epoch(); cfg.epochs() == 0 || epoch < cfg.epochs(); epoch++) {
          long index = epoch == from.epoch() ? from.index() : 0;
          Iterator<Sample> order = epochOrder(epoch, index);
          for (; order.hasNext(); index++) {
            Sample s = order.next();
            int e = epoch;
            long i = index;
            queue.put(new Work(epoch, index, workers.submit(() -> prepare(s, e, i))));
          }
          queue.put(new EpochEnd(epoch));
        }
        queue.put(new End());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        try {
          queue.put(new Failed(e)); // a broken source ends the run with its error, on the caller's thread
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /**
     * The epoch's samples from {@code index} on: a seeded permutation for indexed sources, fresh samples for generated
     * ones, the stream otherwise.
     */
    private Iterator<Sample> epochOrder(int epoch, long index) {
      if (source instanceof GeneratedSource generated) return generated.epoch(epoch, index);
      long epochSeed = mix(cfg.seed(), epoch, -1);
      if (source instanceof IndexedSource indexed) {
        int n = indexed.count();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (cfg.shuffle()) {
          SplittableRandom rng = new SplittableRandom(epochSeed);
          for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
          }
        }
        return Arrays.stream(order, (int) Math.min(index, n), n).mapToObj(indexed::get).iterator();
      }
      Iterator<Sample> it = source.stream(epochSeed, skips);
      for (long i = 0; i < index && it.hasNext(); i++) it.next(); // resume: pass over without decoding
      return it;
    }

    private Prepared prepare(Sample s, int epoch, long index) {
      SplittableRandom rng = new SplittableRandom(mix(cfg.seed(), epoch, index));
      float[] px;
      if (frames > 0) {
        px = clip(s, rng);
        if (px == null) return new Prepared(s, null, null, null);
      } else {
        Raster8 raster = s.loadOrSkip(skips);
        if (raster == null) return new Prepared(s, null, null, null);
        px = spareBuffers.poll();
        if (px == null) px = new float[3 * transform.imageSize() * transform.imageSize()];
        transform.applyInto(raster, px, 0, rng);
      }
      List<String> caps = s.captions();
      String caption = caps.isEmpty() ? "" : cfg.randomCaption() ? caps.get(rng.nextInt(caps.size())) : caps.get(0);
      return new Prepared(s, px, caption, tokenizer == null ? null : tokenizer.apply(caption));
    }

    /** A sample's clip as [3, T, S, S] floats, or null when it was skipped. */
    private float[] clip(Sample s, SplittableRandom rng) {
      List<Raster8> picked = s.loadFramesOrSkip(skips, frames, cfg.shuffle() ? rng : null);
      if (picked == null) return null;
      int plane = transform.imageSize() * transform.imageSize();
      float[] px = spareBuffers.poll();
      if (px == null) px = new float[3 * frames * plane];
      float[] frame = new float[3 * plane];
      long crop = rng.nextLong();  // one random crop for the whole clip: a crop per frame would fake motion
      for (int t = 0; t < frames; t++) {
        transform.applyInto(picked.get(t), frame, 0, new SplittableRandom(crop));
        for (int c = 0; c < 3; c++) System.arraycopy(frame, c * plane, px, (c * frames + t) * plane, plane);
      }
      return px;
    }

    /** Takes queued work in order until a batch is full or the epoch ends; null when the run is over. */
    private Batch collate() {
      List<Prepared> batch = new ArrayList<>(cfg.batchSize());
      try {
        while (true) {
          Item item = queue.take();
          if (item instanceof Work w) {
            Prepared p = get(w.result());
            if (p.pixels() != null) batch.add(p);
            if (batch.size() == cfg.batchSize()) return toBatch(batch, new Position(w.epoch(), w.index() + 1));
          } else if (item instanceof EpochEnd end) {
            if (!batch.isEmpty() && !cfg.dropLast()) return toBatch(batch, new Position(end.epoch() + 1, 0));
            batch.clear();
          } else if (item instanceof Failed f) {
            close();
            throw f.error();
          } else {
            finished = true;
            return null;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        return null;
      }
    }

    private Prepared get(Future<Prepared> f) throws InterruptedException {
      try {
        return f.get();
      } catch (ExecutionException e) {
        close();
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) throw r;
        if (cause instanceof Error err) throw err;
        throw new IllegalStateException(cause);
      }
    }

    private Batch toBatch(List<Prepared> items, Position next) {
      int s = transform.imageSize();
      int per = 3 * Math.max(1, frames) * s * s;
      if (staging == null) staging = new float[cfg.batchSize() * per];
      List<Sample> samples = new ArrayList<>(items.size());
      List<String> captions = new ArrayList<>(items.size());
      long[][] tokens = tokenizer == null ? null : new long[items.size()][];
      for (int i = 0; i < items.size(); i++) {
        Prepared p = items.get(i);
        System.arraycopy(p.pixels(), 0, staging, i * per, per);
        spareBuffers.offer(p.pixels());
        samples.add(p.sample());
        captions.add(p.caption());
        if (tokens != null) tokens[i] = p.tokens();
      }
      Shape shape = frames > 0 ? new Shape(items.size(), 3, frames, s, s) : new Shape(items.size(), 3, s, s);
      NDArray images = manager.create(FloatBuffer.wrap(staging, 0, items.size() * per), shape);
      return new Batch(images, List.copyOf(samples), List.copyOf(captions), tokens, next);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
