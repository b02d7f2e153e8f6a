package org.striate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.striate.io.ArchitectureJson;
import org.striate.io.ModelFile;
import org.striate.nn.Architectures;
import org.striate.nn.Model;
import org.striate.tensor.Shape;

/**
 * What {@code --model} may name: a built-in architecture ({@code mnist-convnet}), an architecture file
 * ({@code *.json}), or a saved model file (architecture and weights).
 */
record ModelSource(String spec, Kind kind) {

  enum Kind { BUILT_IN, ARCHITECTURE, SAVED }

  /**
   * @throws UsageException when {@code spec} is none of the three
   */
  static ModelSource resolve(String spec, String option) {
    if (Architectures.exists(spec)) {
      return new ModelSource(spec, Kind.BUILT_IN);
    }
    Path path = Path.of(spec);
    if (Files.isRegularFile(path)) {
      return new ModelSource(spec, spec.toLowerCase(Locale.ROOT).endsWith(".json") ? Kind.ARCHITECTURE : Kind.SAVED);
    }
    throw new UsageException(option + " must be a built-in model " + Architectures.names()
        + ", an architecture .json file or a saved model file, got '" + spec + "' (no such model or file)");
  }

  /** A saved model file; built-in names and architectures are rejected because they have no trained weights. */
  static Path savedModel(String spec, String option) {
    ModelSource source = resolve(spec, option);
    if (source.kind != Kind.SAVED) {
      throw new UsageException(option + " must be a saved model file (from 'striate train --out'), got '" + spec
          + "', which is " + (source.kind == Kind.BUILT_IN ? "a built-in architecture" : "an architecture file")
          + " without trained weights");
    }
    return Path.of(spec);
  }

  /** The model: a built-in for its default input shape and classes, a file as it is. */
  Model load() throws IOException {
    return switch (kind) {
      case BUILT_IN -> Architectures.byName(spec);
      case ARCHITECTURE -> ArchitectureJson.read(Path.of(spec));
      case SAVED -> ModelFile.load(Path.of(spec));
    };
  }

  /**
   * The model to train on data of {@code inputShape} with {@code classes} classes: a built-in is built for them;
   * a file is loaded as it is.
   *
   * @throws IllegalArgumentException if the built-in cannot take this input (resnet18 on 28x28 images, say)
   */
  Model load(Shape inputShape, int classes) throws IOException {
    return kind == Kind.BUILT_IN ? Architectures.byName(spec, inputShape, classes) : load();
  }

  /** A short name for messages and default file names: the built-in name or the file name without extension. */
  String displayName() {
    if (kind == Kind.BUILT_IN) {
      return spec;
    }
    String file = Path.of(spec).getFileName().toString();
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(0, dot) : file;
  }
}
