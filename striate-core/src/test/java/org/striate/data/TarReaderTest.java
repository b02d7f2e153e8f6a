package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TarReaderTest {
  private static final Path ARCHIVE = Path.of("test.tar");

  /** Writes ustar archives the way npm and GNU tar do, for tests. */
  static final class TarBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TarBuilder file(String name, byte[] content) {
      return entry(name, "", '0', content);
    }

    TarBuilder directory(String name) {
      return entry(name, "", '5', new byte[0]);
    }

    /** A file whose path is split between the ustar prefix and name fields. */
    TarBuilder prefixed(String prefix, String name, byte[] content) {
      return entry(name, prefix, '0', content);
    }

    /** A file whose long path travels in a pax extended header before it. */
    TarBuilder paxFile(String path, byte[] content) {
      String record = " path=" + path + "\n";
      int length = record.length() + 2;
      length = record.length() + String.valueOf(length).length();
      entry("PaxHeader/x", "", 'x', (length + record).getBytes(StandardCharsets.UTF_8));
      return entry(path.substring(0, 99), "", '0', content);
    }

    TarBuilder entry(String name, String prefix, char type, byte[] content) {
      byte[] header = new byte[512];
      put(header, 0, name);
      put(header, 100, "0000644\0");
      put(header, 108, "0000000\0");
      put(header, 116, "0000000\0");
      put(header, 124, String.format("%011o\0", content.length));
      put(header, 136, "00000000000\0");
      header[156] = (byte) type;
      put(header, 257, "ustar\0" + "00");
      put(header, 345, prefix);
      Arrays.fill(header, 148, 156, (byte) ' ');
      int sum = 0;
      for (byte b : header) {
        sum += b & 0xff;
      }
      put(header, 148, String.format("%06o\0 ", sum));
      out.writeBytes(header);
      out.writeBytes(content);
      out.writeBytes(new byte[(512 - content.length % 512) % 512]);
      return this;
    }

    /** The archive with its two closing zero blocks. */
    byte[] build() {
      ByteArrayOutputStream copy = new ByteArrayOutputStream();
      copy.writeBytes(out.toByteArray());
      copy.writeBytes(new byte[1024]);
      return copy.toByteArray();
    }

    /** The archive without closing blocks. */
    byte[] buildUnterminated() {
      return out.toByteArray();
    }

    private static void put(byte[] header, int offset, String text) {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(b, 0, header, offset, b.length);
    }
  }

  private static TarReader reader(byte[] tar) {
    return new TarReader(new ByteArrayInputStream(tar), ARCHIVE);
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] pattern(int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  @Test
  void readsEntriesInOrderWithTheirContents() throws IOException {
    byte[] big = pattern(1300);
    byte[] exact = pattern(512);
    TarReader tar = reader(new TarBuilder()
        .directory("package/")
        .file("package/a.txt", text("hello"))
        .file("package/empty", new byte[0])
        .file("package/big.bin", big)
        .file("package/exact.bin", exact)
        .build());

    TarReader.Entry dir = tar.next();
    assertEquals("package/", dir.name());
    assertEquals('5', dir.type());
    assertFalse(dir.isFile());
    TarReader.Entry a = tar.next();
    assertEquals("package/a.txt", a.name());
    assertEquals(5, a.size());
    assertEquals(512, a.offset());
    assertArrayEquals(text("hello"), tar.readContent(a));
    assertArrayEquals(new byte[0], tar.readContent(tar.next()));
    TarReader.Entry b = tar.next();
    ByteArrayOutputStream copied = new ByteArrayOutputStream();
    tar.copyContent(b, copied);
    assertArrayEquals(big, copied.toByteArray());
    assertArrayEquals(exact, tar.readContent(tar.next()));
    assertNull(tar.next());
  }

  @Test
  void skipsUnreadContent() throws IOException {
    TarReader tar = reader(new TarBuilder()
        .file("first", pattern(700))
        .file("second", text("kept"))
        .build());
    assertEquals("first", tar.next().name());
    TarReader.Entry second = tar.next();
    assertEquals("second", second.name());
    assertArrayEquals(text("kept"), tar.readContent(second));
  }

  @Test
  void joinsUstarPrefixAndName() throws IOException {
    TarReader tar = reader(new TarBuilder().prefixed("package/data", "train-labels", text("x")).build());
    assertEquals("package/data/train-labels", tar.next().name());
  }

  @Test
  void takesLongPathsFromPaxHeaders() throws IOException {
    String path = "package/" + "d".repeat(120) + "/file.bin";
    TarReader tar = reader(new TarBuilder().paxFile(path, text("pax")).file("after", text("z")).build());
    TarReader.Entry e = tar.next();
    assertEquals(path, e.name());
    assertArrayEquals(text("pax"), tar.readContent(e));
    assertEquals("after", tar.next().name());
  }

  @Test
  void endsAtEndOfStreamWithoutClosingBlocks() throws IOException {
    TarReader tar = reader(new TarBuilder().file("only", text("1")).buildUnterminated());
    assertEquals("only", tar.next().name());
    assertNull(tar.next());
  }

  @Test
  void rejectsABadHeaderChecksum() throws IOException {
    byte[] tar = new TarBuilder().file("one", text("1")).file("two", text("2")).build();
    int stored = Integer.parseInt(new String(tar, 1024 + 148, 6, StandardCharsets.US_ASCII), 8);
    tar[1024 + 1] += 1; // "two" becomes "txo"
    TarReader reader = reader(tar);
    reader.next();
    FileFormatException e = assertThrows(FileFormatException.class, reader::next);
    assertEquals(
        "test.tar: bad tar header at offset 1024: checksum field says " + stored + ", header sums to "
            + (stored + 1),
        e.getMessage());
  }

  @Test
  void rejectsTruncatedContentAndHeaders() throws IOException {
    byte[] tar = new TarBuilder().file("data.bin", pattern(1000)).buildUnterminated();
    TarReader cut = reader(Arrays.copyOf(tar, 512 + 600));
    TarReader.Entry e = cut.next();
    FileFormatException failure = assertThrows(FileFormatException.class, () -> cut.readContent(e));
    assertEquals(
        "test.tar: truncated: tar entry data.bin (header at offset 0) declares 1000 bytes of content, the archive"
            + " ends at offset 1112",
        failure.getMessage());

    TarReader halfHeader = reader(Arrays.copyOf(tar, 300));
    failure = assertThrows(FileFormatException.class, halfHeader::next);
    assertEquals("test.tar: truncated tar header at offset 0: expected 512 bytes, found 300", failure.getMessage());

    TarReader skipping = reader(Arrays.copyOf(tar, 512 + 600));
    skipping.next();
    failure = assertThrows(FileFormatException.class, skipping::next);
    assertEquals(
        "test.tar: truncated: the archive ends at offset 1112, inside an entry's content", failure.getMessage());
  }

  @Test
  void rejectsANonOctalSize() throws IOException {
    byte[] tar = new TarBuilder().file("f", text("abc")).build();
    tar[124 + 3] = 'z';
    // keep the checksum valid so that the size field is what fails
    int sum = 0;
    Arrays.fill(tar, 148, 156, (byte) ' ');
    for (int i = 0; i < 512; i++) {
      sum += tar[i] & 0xff;
    }
    System.arraycopy(String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII), 0, tar, 148, 8);
    FileFormatException e = assertThrows(FileFormatException.class, reader(tar)::next);
    assertEquals(
        "test.tar: bad tar header at offset 0: expected an octal number at byte 124, found character 0x7a",
        e.getMessage());
  }
}
