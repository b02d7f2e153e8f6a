package org.striate.nn;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layers of a model that end in a ReLU read by a max pooling layer alone, and those pooling layers: a
 * backward pass applies each such ReLU's derivative in the pooling (see {@link Context#poolingAppliesRelu}), and
 * the kernels may compute such a convolution and its pooling together (see {@link Conv2D#poolsAsItComputes}).
 *
 * @param rectifierOfPool the layer each pooling layer reads
 * @param poolOfRectifier the pooling layer that reads each of those
 */
record ReluBeforePooling(Map<Layer, Layer> rectifierOfPool, Map<Layer, Layer> poolOfRectifier) {
  static final ReluBeforePooling NONE = new ReluBeforePooling(Map.of(), Map.of());

  Set<Layer> rectifiers() {
    return poolOfRectifier.keySet();
  }

  Set<Layer> pools() {
    return rectifierOfPool.keySet();
  }

  /**
   * The pairs in {@code model}. A layer qualifies when its activation is an uncapped ReLU, a {@link MaxPool2D} is
   * its only reader, and it is not the model's output (whose gradient comes from the loss as well).
   */
  static ReluBeforePooling find(Model model) {
    Map<Layer, Integer> readers = new IdentityHashMap<>();
    for (Layer layer : model.layers()) {
      for (Layer in : model.inboundLayers(layer)) {
        readers.merge(in, 1, Integer::sum);
      }
    }
    Map<Layer, Layer> rectifierOfPool = new IdentityHashMap<>();
    Map<Layer, Layer> poolOfRectifier = new IdentityHashMap<>();
    for (Layer layer : model.layers()) {
      List<Layer> in = model.inboundLayers(layer);
      if (layer instanceof MaxPool2D && in.size() == 1) {
        Layer before = in.get(0);
        if (endsInPlainRelu(before) && readers.get(before) == 1 && before != model.outputLayer()) {
          rectifierOfPool.put(layer, before);
          poolOfRectifier.put(before, layer);
        }
      }
    }
    return new ReluBeforePooling(Map.copyOf(rectifierOfPool), Map.copyOf(poolOfRectifier));
  }

  /** A ReLU without a cap: a capped one (ReLU6) has a derivative of 0 above the cap, which pooling cannot see. */
  private static boolean endsInPlainRelu(Layer layer) {
    return layer.activation() == Activation.RELU
        && !(layer instanceof ReLU relu && relu.maxValue() != Double.POSITIVE_INFINITY);
  }
}
