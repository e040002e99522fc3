package dev.vlt.models.flava;

import dev.vlt.tensor.Module;

/** One child under one more name level, for the reference's wrapper modules ({@code pooler.dense}, {@code encoder.layer}). */
final class Nest<M extends Module> extends Module {
  final M inner;

  Nest(String name, M module) {
    inner = child(name, module);
  }
}
