package dev.vlt.train;

import dev.vlt.data.DataSource;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.Reconstructions;
import dev.vlt.models.PixelReconstruction;
import dev.vlt.report.ImageGrid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Masked reconstruction during training, for models that reconstruct pixels (MAE): the error on the removed patches of a
 * fixed set of images under a fixed masking, beside the mean-patch and visible-mean baselines ({@link Reconstructions}),
 * and the grid {@code reconstructions.png} (original / masked / reconstruction) rewritten in the run folder at each
 * evaluation. The images are the first ones of {@code --val-data} when given (keys {@code val_*}), else of the training
 * source (keys {@code train_*}: images the model trains on, under masks it has not seen).
 */
public final class ReconstructionEvaluation implements Evaluator {
  public static final String GRID = "reconstructions.png";
  static final int IMAGES = 128;
  static final int EXAMPLES = 8;
  private static final long SEED = 7;

  private final Reconstructions reconstructions;
  private final double maskRatio;
  private final List<Raster8> images;
  private final float[] meanPatch;
  private final String prefix;
  private final Path grid;

  /**
   * @param evaluated the images to reconstruct
   * @param reference the source whose first images give the mean-patch baseline (the training source)
   */
  public ReconstructionEvaluation(PixelReconstruction model, PreprocessConfig preprocess, DataSource evaluated,
      String prefix, DataSource reference, Path grid) {
    this.reconstructions = new Reconstructions(model, preprocess);
    this.maskRatio = model.maskRatio();
    this.images = first(evaluated, IMAGES);
    this.prefix = prefix;
    this.grid = grid;
    if (images.isEmpty()) throw new IllegalArgumentException("no readable image to evaluate reconstructions on in " + evaluated.describe());
    this.meanPatch = reconstructions.meanPatch(reference == evaluated ? images : first(reference, IMAGES));
  }

  /** The first {@code n} readable images of a source, in its order (epoch 0). */
  static List<Raster8> first(DataSource source, int n) {
    List<Raster8> out = new ArrayList<>();
    SkipReport skips = SkipReport.quiet();
    for (Iterator<Sample> it = source.stream(0, skips); it.hasNext() && out.size() < n; ) {
      Raster8 r = it.next().loadOrSkip(skips);
      if (r != null) out.add(r);
    }
    return out;
  }

  @Override
  public Map<String, Double> evaluate() {
    List<Reconstructions.Example> examples = new ArrayList<>();
    Reconstructions.Errors e = reconstructions.evaluate(images, SEED, meanPatch, EXAMPLES, examples);
    try {
      javax.imageio.ImageIO.write(ImageGrid.render(String.format(Locale.ROOT,
          "masked reconstruction (%s images): error %.4f, mean patch %.4f, visible mean %.4f", prefix, e.model(), e.meanPatch(),
          e.visibleMean()), rows(examples, maskRatio)), "png", grid.toFile());
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + grid, ex);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(prefix + "_recon_error", e.model());
    out.put(prefix + "_recon_error_mean_patch", e.meanPatch());
    out.put(prefix + "_recon_error_visible_mean", e.visibleMean());
    return out;
  }

  /** The examples as grid rows: one row per image with its three pictures. */
  public static List<ImageGrid.Row> rows(List<Reconstructions.Example> examples, double maskRatio) {
    List<ImageGrid.Row> rows = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      Reconstructions.Example e = examples.get(i);
      rows.add(new ImageGrid.Row(String.format(Locale.ROOT, "image %d: error %.3f on its removed patches", i, e.error()), List.of(
          new ImageGrid.Thumb(e.original(), "original", false),
          new ImageGrid.Thumb(e.masked(), String.format(Locale.ROOT, "%.0f %% removed", 100 * maskRatio), false),
          new ImageGrid.Thumb(e.reconstruction(), "reconstruction", false))));
    }
    return rows;
  }
}
