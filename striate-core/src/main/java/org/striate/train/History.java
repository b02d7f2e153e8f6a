package org.striate.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.striate.files.AtomicWrite;

/**
 * The per-epoch records of a {@link Trainer#fit} call, Keras's {@code History}. It writes itself as the metrics
 * file of the command line's {@code --metrics}:
 *
 * <pre>{@code
 * {"epochs": [{"epoch": 1, "loss": 0.31, "accuracy": 0.91, "val_loss": 0.12, "val_accuracy": 0.96,
 *              "seconds": 41.2, "images_per_second": 1310.5}, ...],
 *  "test_accuracy": 0.97}
 * }</pre>
 *
 * Values that do not apply (NaN in {@link EpochResult}) are written as {@code null}; {@code test_accuracy} is
 * present only when given.
 */
public final class History {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final List<EpochResult> epochs;

  public History(List<EpochResult> epochs) {
    this.epochs = List.copyOf(epochs);
  }

  /** The records, first epoch first. */
  public List<EpochResult> epochs() {
    return epochs;
  }

  /**
   * The last epoch's record.
   *
   * @throws IllegalStateException if there are no epochs
   */
  public EpochResult last() {
    if (epochs.isEmpty()) {
      throw new IllegalStateException("history: no epochs recorded");
    }
    return epochs.get(epochs.size() - 1);
  }

  /** The training loss of each epoch, in order. */
  public double[] losses() {
    return epochs.stream().mapToDouble(EpochResult::loss).toArray();
  }

  /** The metrics as JSON text, with {@code test_accuracy} when {@code testAccuracy} is present. */
  public String toJson(OptionalDouble testAccuracy) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("epochs");
    for (EpochResult e : epochs) {
      ObjectNode node = list.addObject();
      node.put("epoch", e.epoch());
      putNumber(node, "loss", e.loss());
      putNumber(node, "accuracy", e.accuracy());
      putNumber(node, "val_loss", e.valLoss());
      putNumber(node, "val_accuracy", e.valAccuracy());
      putNumber(node, "seconds", e.seconds());
      putNumber(node, "images_per_second", e.imagesPerSecond());
    }
    if (testAccuracy.isPresent()) {
      putNumber(root, "test_accuracy", testAccuracy.getAsDouble());
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void putNumber(ObjectNode node, String key, double value) {
    if (Double.isFinite(value)) {
      node.put(key, value);
    } else {
      node.putNull(key);
    }
  }

  /**
   * Writes {@link #toJson} to {@code file} atomically: into a temporary file in the same directory, then renamed
   * over {@code file}, so a reader never sees half a file.
   *
   * @throws IOException if the directory is not writable; the temporary file is removed
   */
  public void writeJson(Path file, OptionalDouble testAccuracy) throws IOException {
    AtomicWrite.writeString(file, toJson(testAccuracy) + "\n");
  }
}
