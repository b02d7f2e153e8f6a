package org.striate.data;

import java.io.IOException;

/** A downloaded or cached file whose SHA-256 is not the one recorded for it. */
public class ChecksumException extends IOException {
  private final String expected;
  private final String actual;

  /**
   * @param what the file, as the message should name it
   * @param expected the recorded SHA-256, in lower-case hex
   * @param actual the SHA-256 found, in lower-case hex
   */
  public ChecksumException(String what, String expected, String actual) {
    super(what + ": SHA-256 checksum mismatch: expected " + expected + ", actual " + actual);
    this.expected = expected;
    this.actual = actual;
  }

  public String expected() {
    return expected;
  }

  public String actual() {
    return actual;
  }
}
