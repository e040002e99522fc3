/**
 * {@code vlt serve}: an HTTP JSON API and a web page over an {@link dev.vlt.infer.Embedder} and, optionally, a
 * {@link dev.vlt.index.VectorIndex}, on the JDK's own HTTP server. {@link dev.vlt.serve.VltServer} documents the API.
 */
package dev.vlt.serve;
