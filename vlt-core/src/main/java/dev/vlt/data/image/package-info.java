/**
 * Images as open_clip sees them: {@link dev.vlt.data.image.ImageDecoder} reads files into {@link
 * dev.vlt.data.image.Raster8} the way Pillow opens them (raw samples, no colour management), and {@link
 * dev.vlt.data.image.EvalTransform} / {@link dev.vlt.data.image.TrainTransform} reproduce open_clip's preprocessing, with
 * {@link dev.vlt.data.image.PillowResize} an integer port of Pillow's resampler. Parity with open_clip's own outputs is
 * bit-exact on the clip_e2e_tiny fixture images.
 */
package dev.vlt.data.image;
