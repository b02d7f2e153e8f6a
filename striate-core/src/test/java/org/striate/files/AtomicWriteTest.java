package org.striate.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {
  @TempDir Path dir;

  @Test
  void replacesAnExistingFile() throws Exception {
    Path target = dir.resolve("out.txt");
    Files.writeString(target, "old content, longer than the new");
    AtomicWrite.write(target, channel -> AtomicWrite.writeFully(channel, bytes("new")));
    assertEquals("new", Files.readString(target));
    assertEquals(List.of(target), list());
  }

  @Test
  void aFailureHalfwayLeavesTheOldFileAndNoTemporaryFile() throws Exception {
    Path target = dir.resolve("out.txt");
    Files.writeString(target, "old");
    IOException diskFull = new IOException("no space left on device (simulated)");
    IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(target, channel -> {
      AtomicWrite.writeFully(channel, bytes("half of the new con"));
      throw diskFull;
    }));
    assertSame(diskFull, e);
    assertEquals("old", Files.readString(target));
    assertEquals(List.of(target), list());
  }

  @Test
  void anUncheckedFailureIsHandledTheSameWay() throws Exception {
    Path target = dir.resolve("out.txt");
    Files.writeString(target, "old");
    assertThrows(IllegalStateException.class, () -> AtomicWrite.write(target, channel -> {
      AtomicWrite.writeFully(channel, bytes("partial"));
      throw new IllegalStateException("bug in the writer (simulated)");
    }));
    assertEquals("old", Files.readString(target));
    assertEquals(List.of(target), list());
  }

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  private List<Path> list() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }
}
