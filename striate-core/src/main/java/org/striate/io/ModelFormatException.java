package org.striate.io;

import java.io.IOException;

/**
 * A model or architecture file whose content is not what Striate wrote or accepts: truncated, corrupted,
 * hand-edited wrongly, or from another program. The message names the file, the byte offset where one
 * applies, what was expected and what was found.
 */
public final class ModelFormatException extends IOException {
  private final String file;
  private final long offset;

  /**
   * @param file the file's name as the user gave it
   * @param offset the byte offset of the problem in the file, or -1 if no single offset applies
   * @param problem what was expected and what was found
   */
  public ModelFormatException(String file, long offset, String problem) {
    this(file, offset, problem, null);
  }

  public ModelFormatException(String file, long offset, String problem, Throwable cause) {
    super(file + (offset >= 0 ? ", byte " + offset : "") + ": " + problem, cause);
    this.file = file;
    this.offset = offset;
  }

  /** The file's name as the user gave it. */
  public String file() {
    return file;
  }

  /** The byte offset of the problem in the file, or -1 if no single offset applies. */
  public long offset() {
    return offset;
  }
}
