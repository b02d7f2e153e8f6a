package org.striate.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file whose contents are not what its format requires: a bad IDX header, a truncated or padded
 * IDX body, a damaged tar archive, or an image no decoder accepts. The message starts with the file's path
 * and says where in the file the problem is and what was expected, for example
 * {@code t10k-images-idx3-ubyte: truncated: header says 10000x28x28 = 7840000 bytes of data, file has 12
 * bytes after the 16-byte header}.
 */
public class FileFormatException extends IOException {
  private final transient Path file;

  public FileFormatException(Path file, String detail) {
    super(file + ": " + detail);
    this.file = file;
  }

  public FileFormatException(Path file, String detail, Throwable cause) {
    super(file + ": " + detail, cause);
    this.file = file;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }
}
