package dev.vlt.hub;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * Streams a response body into the part file, hashing as it writes and noting when data last arrived, so the caller
 * can give up on a stalled transfer (HttpClient's request timeout ends when the headers arrive, not the body).
 */
final class FileSink implements HttpResponse.BodySubscriber<Void> {
  private final FileChannel out;
  private final MessageDigest sha256;
  private final LongConsumer progress;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;
  private volatile long lastData = System.nanoTime();
  private long written;

  FileSink(FileChannel out, MessageDigest sha256, long alreadyWritten, LongConsumer progress) {
    this.out = out;
    this.sha256 = sha256;
    this.written = alreadyWritten;
    this.progress = progress;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public synchronized void onNext(List<ByteBuffer> items) {
    try {
      for (ByteBuffer b : items) {
        sha256.update(b.duplicate());
        while (b.hasRemaining()) written += out.write(b);
      }
      lastData = System.nanoTime();
      progress.accept(written);
      subscription.request(1);
    } catch (IOException e) {
      subscription.cancel();
      done.completeExceptionally(e);
    }
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    done.complete(null);
  }

  @Override
  public CompletionStage<Void> getBody() {
    return done;
  }

  long lastData() {
    return lastData;
  }

  /** Stops the transfer (the connection is dropped) and closes the file; late chunks are refused by the closed channel. */
  synchronized void close() throws IOException {
    Flow.Subscription s = subscription;
    if (s != null && !done.isDone()) s.cancel();
    out.close();
  }
}
