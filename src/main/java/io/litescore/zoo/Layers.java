package io.litescore.zoo;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.Dropout;
import java.util.ArrayList;
import java.util.List;

/** Reads a zoo network's blocks back as its {@link Layer} table. */
public final class Layers {
  private Layers() {}

  /**
   * The layer table of {@code variant} with {@code classes} outputs and the given stem: the blocks
   * {@link ZooNet#build} would run, described. Builds blocks only: no engine, no parameters, no weights.
   */
  public static Layer describe(Variant variant, int classes, Stem stem) {
    return read(variant.build(new NetBuilder(true), classes, stem));
  }

  /** A block built by {@link NetBuilder} as layers; any other kind of block is an error. */
  static Layer read(Block block) {
    if (block instanceof Described d) {
      return d.layer();
    }
    if (block instanceof SequentialBlock) {
      List<Layer> layers = new ArrayList<>();
      for (Block child : block.getChildren().values()) {
        if (!(child instanceof Dropout)) {
          layers.add(read(child));
        }
      }
      return new Layer.Seq(List.copyOf(layers));
    }
    throw new IllegalStateException("Cannot describe block " + block.getClass().getName()
        + ": zoo networks are made of NetBuilder's blocks only");
  }

  /** A block that knows which layer it is (NetBuilder's and Units' blocks). */
  interface Described {
    Layer layer();
  }
}
