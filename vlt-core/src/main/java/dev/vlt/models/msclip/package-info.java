/**
 * MS-CLIP (You et al., "Learning Visual Representation from Modality-Shared Contrastive Language-Image Pre-training",
 * ECCV 2022): one transformer for image patches and text tokens. {@link dev.vlt.models.msclip.MsClipConfig} places a
 * model on the sharing spectrum through {@link dev.vlt.models.msclip.Sharing} (which blocks, and which of their
 * LayerNorms, attention and MLP, both modalities use), from vanilla CLIP (nothing shared; same keys and outputs as
 * {@code Clip}) to one fully shared transformer, plus the paper's early specialization and parallel branch.
 * {@link dev.vlt.models.msclip.ParameterSplit} counts shared and modality-specific parameters; model folders are read
 * and written by {@link dev.vlt.models.msclip.MsClipFolder}.
 */
package dev.vlt.models.msclip;
