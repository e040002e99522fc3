package dev.vlt.data.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

/**
 * Prints images/s of one thread (the target is 2,000 64×64 images/s) by wall clock and by the thread's CPU time, which a
 * busy shared machine does not distort; asserts only that every sample was made, never a speed.
 */
class ShapesWorldSpeedTest {
  @Test
  void printsImagesPerSecondOnOneThread() {
    ShapesWorld world = new ShapesWorld();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long pixels = 0;
    for (int i = 0; i < 5_000; i++) pixels += world.sample(Split.TRAIN, i).pixels().length;  // warm-up for the JIT
    int n = 10_000;
    long wall = System.nanoTime(), cpu = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) pixels += world.sample(Split.TRAIN, 1_000_000 + i).pixels().length;
    double wallSeconds = (System.nanoTime() - wall) / 1e9, cpuSeconds = (mx.getCurrentThreadCpuTime() - cpu) / 1e9;
    System.out.printf("ShapesWorld: %.0f images/s wall, %.0f images per CPU-second (64x64, one thread, with masks, "
        + "captions, referring expressions, QA)%n", n / wallSeconds, n / cpuSeconds);
    assertEquals((5_000L + n) * 64 * 64, pixels);

    long samples = 0;
    for (int i = 0; i < 100; i++) samples += world.clip(Split.TRAIN, i).audio().length;
    int clips = 300;
    wall = System.nanoTime();
    cpu = mx.getCurrentThreadCpuTime();
    for (int i = 0; i < clips; i++) samples += world.clip(Split.TRAIN, 10_000 + i).audio().length;
    wallSeconds = (System.nanoTime() - wall) / 1e9;
    cpuSeconds = (mx.getCurrentThreadCpuTime() - cpu) / 1e9;
    System.out.printf("ShapesWorld: %.0f clips/s wall, %.0f clips per CPU-second (8 frames 64x64 + 1 s of 16 kHz audio)%n",
        clips / wallSeconds, clips / cpuSeconds);
    assertEquals((100L + clips) * 8 * ShapesClip.FRAME_SAMPLES, samples);
  }
}
