/**
 * How close a contrastive model's two modalities are, on matched image-caption pairs: the
 * {@link dev.vlt.analysis.ModalityGap} of the embeddings and, per attention head, the CKA of head outputs and the
 * normalised attention entropy of each modality ({@link dev.vlt.analysis.ModalityAnalyzer}); also
 * {@link dev.vlt.infer.ModelInputs}, batched embeddings from any {@code ContrastiveModel}.
 */
package dev.vlt.analysis;
