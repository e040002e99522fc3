package dev.vlt.data.shapes;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A ShapesWorld video clip: one object moves or changes while up to two others stay still, with captions and a sound track.
 *
 * @param scenes [frames] the scene of each frame; the moving object is always objects().get(0)
 * @param frames [frames][imageSize·imageSize] packed 0xRRGGBB, row-major
 * @param newColor the colour after a {@link Motion#CHANGE_COLOR} (null for other motions)
 * @param captions [0] "a green triangle moves to the right", [1] with size and the still objects, [2] a gerund phrase
 * @param audio [frames · FRAME_SAMPLES] mono PCM in [-1, 1] at {@link #SAMPLE_RATE} (see {@link Audio})
 */
public record ShapesClip(Split split, long index, List<Scene> scenes, int[][] frames, int imageSize, Motion motion,
    Color newColor, List<String> captions, float[] audio) {
  public static final int SAMPLE_RATE = 16_000;
  /** Audio samples per video frame: 1/8 s, i.e. the clip plays at 8 frames per second. */
  public static final int FRAME_SAMPLES = 2_000;

  public ShapesClip {
    scenes = List.copyOf(scenes);
    captions = List.copyOf(captions);
  }

  public String caption() {
    return captions.get(0);
  }

  public int frameCount() {
    return frames.length;
  }

  /** Frame f as a TYPE_INT_RGB image sharing the frame's pixels. */
  public BufferedImage frame(int f) {
    return ShapesSample.wrap(frames[f], imageSize, imageSize);
  }

  public double seconds() {
    return (double) audio.length / SAMPLE_RATE;
  }
}
