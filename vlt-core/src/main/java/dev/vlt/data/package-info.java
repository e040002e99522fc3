/**
 * Data: sources of samples, and the loader that turns them into batches.
 *
 * <p>A {@link dev.vlt.data.DataSource} yields {@link dev.vlt.data.Sample}s (an image to decode on demand, captions, an
 * optional label, boxes and masks, and where the record came from). {@link dev.vlt.data.Manifest},
 * {@link dev.vlt.data.ImageFolder}, {@link dev.vlt.data.WebDatasetSource} and the bundled sets read the common layouts;
 * {@link dev.vlt.data.DataSources#open} maps a {@code --data} string onto them. {@link dev.vlt.data.Loader} decodes and
 * preprocesses on worker threads ({@link dev.vlt.data.image}) and collates [B, 3, S, S] batches in an order fixed by the
 * seed; bad data is skipped into a {@link dev.vlt.data.SkipReport}, never silently.
 */
package dev.vlt.data;
