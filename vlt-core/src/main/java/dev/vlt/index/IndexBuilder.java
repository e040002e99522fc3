package dev.vlt.index;

import dev.vlt.data.image.Raster8;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Brings an index in line with a collection: new and changed images are embedded (in batches, decoding the next batch
 * while the model encodes this one), unchanged ones skipped, vanished ones deleted. It commits every {@code commitEvery}
 * embedded images, so an interrupted build keeps what it committed and the next run resumes from there. A different
 * model (by {@link ModelId}) empties the index first: its old vectors are not comparable with the new ones.
 */
public final class IndexBuilder {
  /** Encodes images to unit-length vectors [N][E], in input order ({@code Embedder::embedImages}). */
  @FunctionalInterface
  public interface ImageEncoder {
    float[][] encode(List<Raster8> images);
  }

  /** Progress: {@code start} once with the number of images to look at, then {@code advance} as they are done. */
  public interface Listener {
    void start(int toCheck, int unchanged);

    void advance(int n);

    Listener NONE = new Listener() {
      @Override
      public void start(int toCheck, int unchanged) {}

      @Override
      public void advance(int n) {}
    };
  }

  /**
   * The model whose vectors the index holds.
   *
   * @param id {@link ModelId#of}
   * @param spec the --model value that reopens it
   * @param tokenizer the tokenizer override, or null
   * @param dim embedding width E
   */
  public record Model(String id, String spec, String tokenizer, int dim) {
    public Model {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(spec, "spec");
      if (dim < 1) throw new IllegalArgumentException("embedding dim must be positive, got " + dim);
    }
  }

  /** What a sync did; {@code rebuilt} when a different model emptied the index first. */
  public record Report(int items, int unchanged, int added, int updated, int removed, int unreadable, boolean rebuilt, int commits) {
    public int embedded() {
      return added + updated;
    }
  }

  private final ImageEncoder encoder;
  private final Model model;
  private final int batchSize;
  private final int commitEvery;
  private final int decodeThreads;

  public IndexBuilder(ImageEncoder encoder, Model model, int batchSize, int commitEvery, int decodeThreads) {
    if (batchSize < 1 || commitEvery < 1 || decodeThreads < 1) {
      throw new IllegalArgumentException("batch size, commit interval and decode threads must be positive");
    }
    this.encoder = encoder;
    this.model = model;
    this.batchSize = batchSize;
    this.commitEvery = commitEvery;
    this.decodeThreads = decodeThreads;
  }

  public Report sync(ImageCollection collection, VectorIndexWriter writer, Listener listener) throws IOException {
    Map<String, String> committed = writer.committedData();
    boolean rebuilt = !committed.isEmpty() && !model.id().equals(committed.get(IndexInfo.MODEL_ID));
    if (rebuilt) writer.deleteAll();
    writer.setCommitData(IndexInfo.commitData(model, collection.spec())); // before any write: every commit is labelled right
    Map<String, String> stored = rebuilt ? Map.of() : writer.stamps();

    Set<String> keys = new HashSet<>();
    List<IndexItem> toCheck = new ArrayList<>();
    for (IndexItem item : collection.items()) {
      keys.add(item.key());
      String old = stored.get(item.key());
      if (old == null || item.stamp() == null || !item.stamp().equals(old)) toCheck.add(item);
    }
    int removed = 0;
    for (String key : stored.keySet()) {
      if (!keys.contains(key)) {
        writer.delete(key);
        removed++;
      }
    }
    listener.start(toCheck.size(), collection.items().size() - toCheck.size());

    Counts c = new Counts();
    c.unchanged = collection.items().size() - toCheck.size();
    ExecutorService pool = Executors.newFixedThreadPool(decodeThreads, VectorIndexWriter.daemon("vlt-index-decode"));
    try {
      List<Future<Decoded>> next = submit(pool, toCheck, 0);
      for (int from = 0; from < toCheck.size(); from += batchSize) {
        List<Future<Decoded>> current = next;
        next = submit(pool, toCheck, from + batchSize); // decode ahead while this batch is encoded
        List<Decoded> changed = new ArrayList<>();
        for (Future<Decoded> f : current) {
          Decoded d = get(f);
          String old = stored.get(d.item.key());
          if (d.stamp.equals(old)) {
            c.unchanged++;
          } else if (d.error != null) {
            writer.putUnreadable(d.item, d.stamp, d.error);
            c.unreadable++;
          } else {
            changed.add(d);
          }
        }
        if (!changed.isEmpty()) {
          float[][] vectors = encoder.encode(changed.stream().map(d -> d.raster).toList());
          for (int i = 0; i < changed.size(); i++) {
            Decoded d = changed.get(i);
            if (vectors[i].length != model.dim()) {
              throw new IllegalStateException("the encoder returned " + vectors[i].length + " dimensions, the model has " + model.dim());
            }
            writer.put(d.item, d.stamp, vectors[i]);
            if (stored.containsKey(d.item.key())) c.updated++;
            else c.added++;
          }
          c.sinceCommit += changed.size();
        }
        if (c.sinceCommit >= commitEvery) {
          writer.commit();
          c.commits++;
          c.sinceCommit = 0;
        }
        listener.advance(current.size());
      }
    } finally {
      pool.shutdownNow();
    }
    writer.commit(); // deletions, unreadable records and the last partial batch
    c.commits++;
    return new Report(collection.items().size(), c.unchanged, c.added, c.updated, removed, c.unreadable, rebuilt, c.commits);
  }

  private static final class Counts {
    int unchanged, added, updated, unreadable, commits, sinceCommit;
  }

  /** A decoded image with its stamp, or the one-line reason it could not be decoded. */
  private record Decoded(IndexItem item, Raster8 raster, String stamp, String error) {}

  private List<Future<Decoded>> submit(ExecutorService pool, List<IndexItem> items, int from) {
    List<Future<Decoded>> out = new ArrayList<>();
    for (int i = from; i < Math.min(items.size(), from + batchSize); i++) {
      IndexItem item = items.get(i);
      out.add(pool.submit(() -> decode(item)));
    }
    return out;
  }

  private static Decoded decode(IndexItem item) {
    try {
      Raster8 r = item.image().load();
      return new Decoded(item, r, item.stamp() != null ? item.stamp() : pixelHash(r), null);
    } catch (IOException | RuntimeException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ');
      // an unreadable data-set sample has no pixels to hash: its message stands in, so it is retried if that changes
      return new Decoded(item, null, item.stamp() != null ? item.stamp() : "error:" + msg, msg);
    }
  }

  /** SHA-256 of size, mode and pixels: "unchanged" for images with no cheaper stamp. */
  static String pixelHash(Raster8 r) {
    MessageDigest sha = IndexIds.digest();
    sha.update(ByteBuffer.allocate(8).putInt(r.width()).putInt(r.height()).array());
    sha.update(r.mode().name().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    sha.update(r.pixels());
    return "px:" + HexFormat.of().formatHex(sha.digest(), 0, 16);
  }

  private static Decoded get(Future<Decoded> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while decoding images", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
