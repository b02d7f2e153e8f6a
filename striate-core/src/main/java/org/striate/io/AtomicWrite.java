package org.striate.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file all at once: the content goes to a temporary file in the same directory, is forced to disk,
 * then renamed over the target. Readers see the old file or the new one, never a mixture; after a failure the
 * old file is untouched and the temporary file is gone.
 */
final class AtomicWrite {
  /** Writes the whole content of a file to a channel positioned at 0. */
  interface Content {
    void writeTo(FileChannel channel) throws IOException;
  }

  private AtomicWrite() {}

  static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    // Same directory, so the rename cannot cross file systems; hidden and marked, so a crash leaves an obvious stray.
    Path temp = absolute.resolveSibling(
        "." + absolute.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        content.writeTo(channel);
        channel.force(true);
      }
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (Throwable failure) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    }
  }

  /** Writes all of {@code bytes} at the channel's position: a single write may stop short. */
  static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }
}
