package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** config.json: defaults fill absent keys, the written file reads back equal, mistakes name the flag. */
class TrainConfigTest {
  @Test
  void defaultsAndRoundTrip() {
    TrainConfig d = Tiny.config("{}");
    assertEquals("shapes-small", d.model());
    assertEquals(64, d.stepsPerEpoch());                 // 4096 samples / batch 64
    assertEquals(8 * 64, d.totalSteps());
    assertEquals(d.totalSteps() / 10, d.optim().warmup());
    TrainConfig c = Tiny.config("{'batch_size': 10, 'accum_freq': 3, 'train_num_samples': 100, 'steps': 7, 'lr': 2e-4, 'task': 'sigmoid'}");
    assertEquals(3, c.stepsPerEpoch());                  // 100 / 30, the remainder dropped
    assertEquals(7, c.totalSteps());
    ObjectMapper json = new ObjectMapper();
    assertEquals(c, TrainConfig.fromJson(c.toJson(json)));
    assertEquals(d, TrainConfig.fromJson(d.toJson(json)));
    TrainConfig i = Tiny.config("{'init_from': '/runs/clip/model'}");
    assertEquals("/runs/clip/model", i.initFrom());
    assertEquals(i, TrainConfig.fromJson(i.toJson(json)));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tiny.config("{'init_from': 'a', 'pretrained': 'b'}"))
        .getMessage().startsWith("--init-from "));
  }

  @Test
  void mistakesNameTheFlag() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tiny.config("{'lr': -1}")).getMessage().startsWith("--lr "));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tiny.config("{'task': 'hinge'}")).getMessage().contains("--task hinge is not a task"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tiny.config("{'batch_size': 64, 'train_num_samples': 10}"))
        .getMessage().contains("--train-num-samples"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tiny.config("{'learning_rate': 1}")).getMessage()
        .contains("learning_rate"));
  }
}
