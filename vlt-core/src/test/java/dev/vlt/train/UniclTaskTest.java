package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.data.DataSources;
import dev.vlt.data.ImageSource;
import dev.vlt.data.Sample;
import dev.vlt.data.SampleList;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.Raster8;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** UniCL's keys, the mixed source of labelled images and pairs, and vlt train --task unicl on it. */
@ExtendWith(OneThread.class)
class UniclTaskTest {
  private static final ImageSource PIXEL = ImageSource.of(new Raster8(1, 1, 3, new byte[3]));

  @Test
  void classesKeyLabelledSamplesAndCaptionsKeyPairs() {
    Sample cat = Sample.of("a", PIXEL, List.of("a photo of a cat"), 3, "t");
    Sample otherCat = Sample.of("b", PIXEL, List.of("a sketch of the cat"), 3, "t");
    Sample circle = Sample.of("c", PIXEL, List.of("a small red circle"), Sample.NO_LABEL, "t");
    Sample circleAgain = Sample.of("d", PIXEL, List.of(" A small red circle"), Sample.NO_LABEL, "t");
    Sample square = Sample.of("e", PIXEL, List.of("a small red square"), Sample.NO_LABEL, "t");
    assertEquals(UniclTask.key(cat, "a photo of a cat"), UniclTask.key(otherCat, "a sketch of the cat"), "one class, any template");
    assertEquals(UniclTask.key(circle, "a small red circle"), UniclTask.key(circleAgain, " A small red circle"), "one caption");
    assertNotEquals(UniclTask.key(circle, "a small red circle"), UniclTask.key(square, "a small red square"));
    assertTrue(UniclTask.key(circle, "a small red circle") < 0, "caption keys never equal a class index");
  }

  @Test
  void trainsOnDigitsMixedWithEmojiPairs(@TempDir Path dir) throws IOException {
    SampleList mix = (SampleList) DataSources.open("mix:digits:train,emoji:train", SkipReport.quiet());
    Sample first = mix.get(0);
    assertTrue(first.hasLabel() && first.captions().stream().allMatch(c -> c.contains(mix.classNames().get(first.label()))),
        "a labelled digit is captioned from the templates: " + first.captions());
    Sample last = mix.get(mix.count() - 1);
    assertTrue(!last.hasLabel() && last.captions().size() == 1, "an emoji pair keeps its name and loses its category: " + last);

    TrainConfig cfg = TrainConfig.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(("{'model': 'tiny', "
        + "'data': 'mix:digits:train,emoji:train', 'task': 'unicl', 'batch_size': 16, 'steps': 3, 'workers': 1, 'zeroshot_frequency': 0}")
        .replace('\'', '"')));
    try (TrainRun run = TrainRun.create(dir.resolve("run"), cfg)) {
      run.run(TrainListener.NONE);
      List<JsonNode> lines = run.metrics().read();
      assertEquals(3, lines.size());
      assertTrue(Double.isFinite(lines.get(2).path("unicl_loss").asDouble()), lines.get(2).toString());
    }
  }
}
