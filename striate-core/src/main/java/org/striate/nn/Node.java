package org.striate.nn;

import java.util.List;
import org.striate.tensor.Shape;

/**
 * A symbolic tensor in a {@link Functional} model, like Keras's {@code KerasTensor}: either the model's input
 * ({@link #input(Shape)}) or the output of a layer applied to other nodes ({@link Layer#apply(Node...)}).
 * It holds no data, only the shape of one example and where it comes from.
 */
public final class Node {
  private final Layer layer;
  private final List<Node> inputs;
  private final Shape shape;

  Node(Layer layer, List<Node> inputs, Shape shape) {
    this.layer = layer;
    this.inputs = inputs;
    this.shape = shape;
  }

  /** A model input taking examples of {@code shape} (no batch dimension), such as {@code (28, 28, 1)}. */
  public static Node input(Shape shape) {
    if (shape == null) {
      throw new IllegalArgumentException("input: shape must be given, got null");
    }
    return new Node(null, List.of(), shape);
  }

  /** {@link #input(Shape)} from dimensions: {@code Node.input(28, 28, 1)}. */
  public static Node input(int... dims) {
    return input(Shape.of(dims));
  }

  /** The shape of one example. */
  public Shape shape() {
    return shape;
  }

  /** The layer that produces this node, or null for a model input. */
  public Layer layer() {
    return layer;
  }

  /** The nodes this node's layer reads, in order; empty for a model input. */
  public List<Node> inputs() {
    return inputs;
  }

  public boolean isInput() {
    return layer == null;
  }

  @Override
  public String toString() {
    return (layer == null ? "input" : layer.describe()) + shape;
  }
}
