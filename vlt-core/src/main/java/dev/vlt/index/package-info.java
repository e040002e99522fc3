/**
 * A Lucene HNSW vector index of image embeddings (cosine): {@link dev.vlt.index.IndexBuilder} brings an index in line
 * with an {@link dev.vlt.index.ImageCollection} incrementally, {@link dev.vlt.index.VectorIndex} searches it (HNSW or
 * exact). The index records which model made its vectors ({@link dev.vlt.index.IndexInfo}), so a query is always
 * embedded by the same model and a different model forces a rebuild.
 */
package dev.vlt.index;
