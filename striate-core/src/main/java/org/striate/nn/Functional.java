package org.striate.nn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.striate.tensor.Tensor;

/**
 * A model whose layers form a directed acyclic graph, built as in Keras's functional API: branches, residual
 * connections, and tensors read by several layers, whose gradients add up.
 *
 * <pre>{@code
 * Node input = Node.input(28, 28, 1);
 * Node x = new Conv2D(16, 3, Activation.RELU).apply(input);
 * Node y = Conv2D.builder(16).kernelSize(3, 3).padding(Padding.SAME).activation(Activation.RELU).build().apply(x);
 * Node sum = new Add().apply(x, y);                       // x feeds two layers: its gradients add up
 * Node out = new Dense(10, Activation.SOFTMAX).apply(new Flatten().apply(sum));
 * Functional model = new Functional(input, out);
 * }</pre>
 *
 * <p>The model has one input and one output. Layers run in a topological order fixed at construction (a
 * depth-first walk from the output, inputs in order), which is also {@link #layers()}. The constructor names
 * unnamed layers like {@link Sequential} and draws the parameters from seed 0.
 */
public final class Functional extends Model {
  /** The name of the model input in architecture files; no layer may take it. */
  public static final String INPUT_NAME = "input";

  private final Node input;
  private final Node output;
  /** Per layer, its node; in {@link #layers()} order. */
  private final Map<Layer, Node> nodes;

  /**
   * @throws IllegalArgumentException if {@code output} does not depend on {@code input}, depends on another
   *     input, or a layer name repeats
   */
  public Functional(Node input, Node output) {
    this(input, output, order(input, output));
  }

  private Functional(Node input, Node output, Map<Layer, Node> nodes) {
    super(input.shape(), new ArrayList<>(nodes.keySet()));
    this.input = input;
    this.output = output;
    this.nodes = nodes;
    assignNames("Functional", layers());
    initialize(0);
  }

  /** The layers reachable from {@code output}, each after its inputs; checks the graph's single input. */
  private static Map<Layer, Node> order(Node input, Node output) {
    if (input == null || output == null) {
      throw new IllegalArgumentException("Functional: input and output must be given, got "
          + (input == null ? "no input" : "no output"));
    }
    if (!input.isInput()) {
      throw new IllegalArgumentException(
          "Functional: the input must be a Node.input(...), got the output of layer " + input.layer().describe());
    }
    if (output.isInput()) {
      throw new IllegalArgumentException("Functional: the output must come from a layer, got the model input");
    }
    Map<Layer, Node> ordered = new LinkedHashMap<>();
    visit(output, input, ordered, new IdentityHashMap<>());
    return ordered;
  }

  private static void visit(Node node, Node input, Map<Layer, Node> ordered, Map<Node, Boolean> seen) {
    if (node.isInput()) {
      if (node != input) {
        throw new IllegalArgumentException("Functional: the output depends on an input " + node.shape()
            + " that is not the model's input; models have exactly one input");
      }
      return;
    }
    if (seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    for (Node in : node.inputs()) {
      visit(in, input, ordered, seen);
    }
    ordered.put(node.layer(), node);
  }

  @Override
  public Functional initialize(long seed) {
    super.initialize(seed);
    return this;
  }

  @Override
  public Layer outputLayer() {
    return output.layer();
  }

  @Override
  public List<Layer> inboundLayers(Layer layer) {
    Node node = nodes.get(layer);
    if (node == null) {
      throw new IllegalArgumentException("layer " + layer.describe() + " is not in this model");
    }
    List<Layer> inbound = new ArrayList<>();
    for (Node in : node.inputs()) {
      if (!in.isInput()) {
        inbound.add(in.layer());
      }
    }
    return inbound;
  }

  /**
   * The names of the layers {@code layer} reads, in order, with {@link #INPUT_NAME} for the model input; this
   * is how architecture files record the graph.
   */
  public List<String> inboundNames(Layer layer) {
    List<String> names = new ArrayList<>();
    for (Node in : nodes.get(layer).inputs()) {
      names.add(in.isInput() ? INPUT_NAME : in.layer().name());
    }
    return names;
  }

  @Override
  public Tensor forward(Tensor x, Context ctx, BiConsumer<Layer, Tensor> observer) {
    checkInput(x);
    ctx.applyReluInPooling(reluBeforePooling());
    Map<Node, Tensor> values = new IdentityHashMap<>();
    values.put(input, x);
    for (Map.Entry<Layer, Node> e : nodes.entrySet()) {
      Layer layer = e.getKey();
      Node node = e.getValue();
      if (observer == null && pooledWith(layer, ctx) != null) {
        continue; // computed by the pooling layer that alone reads it
      }
      Tensor y;
      if (observer == null && ctx.rectifierBefore(layer) instanceof Conv2D conv && pooledWith(conv, ctx) == layer) {
        y = ((MaxPool2D) layer).forwardFrom(conv, values.get(nodes.get(conv).inputs().get(0)), ctx);
      } else {
        List<Tensor> args = new ArrayList<>(node.inputs().size());
        for (Node in : node.inputs()) {
          args.add(values.get(in));
        }
        y = layer.forward(args, ctx);
      }
      values.put(node, y);
      if (observer != null) {
        observer.accept(layer, y);
      }
    }
    return values.get(output);
  }

  @Override
  public Tensor backward(Tensor gradOutput, Context ctx, boolean inputGradient) {
    ctx.skipInputGradients(inputGradient ? Set.of() : layersWithoutInputGradient());
    ctx.applyReluInPooling(reluBeforePooling());
    Map<Node, Tensor> grads = new HashMap<>();
    Set<Node> summed = new HashSet<>(); // nodes whose gradient is already a sum in their own array
    grads.put(output, gradOutput);
    List<Layer> order = layers();
    for (int i = order.size() - 1; i >= 0; i--) {
      Node node = nodes.get(order.get(i));
      Tensor g = grads.remove(node);
      if (g == null || skipsBackward(node.layer(), inputGradient)) {
        continue; // the output does not depend on this node, or nothing before it learns
      }
      List<Tensor> inputGrads = node.layer().backwardInputs(g, ctx);
      for (int k = 0; k < inputGrads.size(); k++) {
        accumulate(grads, summed, node.inputs().get(k), inputGrads.get(k), ctx);
      }
    }
    if (!inputGradient) {
      return null;
    }
    Tensor g = grads.get(input);
    return g != null ? g : Tensor.zeros(input.shape().withBatch(gradOutput.shape().dim(0)));
  }

  /**
   * Adds {@code g} to the gradient of {@code node}; a tensor read by several layers gets the sum, in an array of
   * the node's own, since a layer may have handed the same tensor to several inputs (Add does). A null
   * {@code g} (an input gradient nothing needs) adds nothing.
   */
  private static void accumulate(Map<Node, Tensor> grads, Set<Node> summed, Node node, Tensor g, Context ctx) {
    Tensor existing = grads.get(node);
    if (existing == null || g == null) {
      grads.put(node, existing == null ? g : existing);
      return;
    }
    Tensor sum = summed.add(node) ? ctx.buffer(node, "gradientSum", existing.shape()) : existing;
    float[] s = sum.data();
    float[] a = existing.data();
    float[] d = g.data();
    for (int i = 0; i < s.length; i++) {
      s[i] = a[i] + d[i];
    }
    grads.put(node, sum);
  }
}
