package org.striate.files;

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
 * old file is untouched and the temporary file is gone. Model files, metrics files and the data cache are all
 * written this way. The new file gets the default permissions for new files (the umask), like any file the
 * user creates.
 */
public final class AtomicWrite {
  /**
   * Writes the whole content of a file to a channel positioned at 0; throwing (for example because a checksum
   * does not match) abandons the write and leaves the target as it was.
   */
  public interface Content {
    void writeTo(FileChannel channel) throws IOException;
  }

  private AtomicWrite() {}

  /**
   * Replaces {@code target} with what {@code content} writes.
   *
   * @throws IOException if writing fails; {@code target} is then unchanged and no temporary file remains
   */
  public static void write(Path target, Content content) throws IOException {
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

  /** Replaces {@code target} with {@code text} in UTF-8. */
  public static void writeString(Path target, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    write(target, channel -> writeFully(channel, bytes));
  }

  /** Writes all of {@code bytes} at the channel's position: a single write may stop short. */
  public static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }
}
