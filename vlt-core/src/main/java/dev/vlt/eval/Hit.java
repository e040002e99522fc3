package dev.vlt.eval;

/** One retrieved gallery item: its row {@code index} and cosine {@code score}. */
public record Hit(int index, double score) {}
