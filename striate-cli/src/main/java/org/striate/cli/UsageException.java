package org.striate.cli;

/** A bad argument found after parsing (a value no option type can check); printed with the usage, exit 2. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
