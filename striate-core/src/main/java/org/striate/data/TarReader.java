package org.striate.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads a tar archive (POSIX ustar, with pax and GNU long names) entry by entry from a stream, such as
 * the {@code GZIPInputStream} of an npm package.
 *
 * <p>Each entry is a 512-byte header followed by its content, padded to a multiple of 512 bytes; the
 * archive ends with a zero block (or simply at the end of the stream). Headers are verified by their
 * checksum. Links and devices are reported but have no content.
 */
final class TarReader {
  static final int BLOCK = 512;

  private final InputStream in;
  private final Path archive;
  private long position; // bytes consumed from in
  private long remaining; // unread content bytes of the current entry
  private long padding; // zero bytes after the current entry's content

  /** One archive member: its path inside the archive, its content size and its type flag. */
  record Entry(String name, long size, char type, long offset) {
    boolean isFile() {
      return isFileType(type);
    }
  }

  /** {@code archive} only names the archive in error messages. */
  TarReader(InputStream in, Path archive) {
    this.in = in;
    this.archive = archive;
  }

  /**
   * Skips what is left of the current entry and reads the next header.
   *
   * @return the next entry, or null at the end of the archive
   * @throws FileFormatException if a header is damaged or the archive is cut short
   */
  Entry next() throws IOException {
    String longName = null;
    long paxSize = -1;
    while (true) {
      skip(remaining + padding);
      remaining = 0;
      padding = 0;
      long offset = position;
      byte[] header = new byte[BLOCK];
      int got = readUpTo(header, BLOCK);
      if (got == 0 || (got == BLOCK && isZero(header))) {
        return null;
      }
      if (got < BLOCK) {
        throw new FileFormatException(
            archive, "truncated tar header at offset " + offset + ": expected 512 bytes, found " + got);
      }
      verifyChecksum(header, offset);
      char type = (char) header[156];
      long size = number(header, 124, 12, offset);
      remaining = size;
      padding = (BLOCK - size % BLOCK) % BLOCK;
      if (type == 'x' || type == 'L') {
        String extension = new String(readContent("extended header", size, offset), StandardCharsets.UTF_8);
        if (type == 'L') {
          longName = trimNul(extension);
        } else {
          String path = paxValue(extension, "path");
          longName = path != null ? path : longName;
          String paxSizeValue = paxValue(extension, "size");
          paxSize = paxSizeValue != null ? Long.parseLong(paxSizeValue) : paxSize;
        }
        continue;
      }
      if (type == 'g') {
        continue;
      }
      if (paxSize >= 0) {
        size = paxSize;
        remaining = size;
        padding = (BLOCK - size % BLOCK) % BLOCK;
      }
      String name = longName != null ? longName : ustarName(header);
      if (!isFileType(type)) {
        remaining = 0; // links and devices carry no data even if a size is written
        padding = 0;
        size = 0;
      }
      return new Entry(name, size, type, offset);
    }
  }

  /** Reads the whole content of the current entry; for the small members of a package. */
  byte[] readContent(Entry entry) throws IOException {
    if (entry.size() > Integer.MAX_VALUE - 8) {
      throw new FileFormatException(
          archive, "tar entry " + entry.name() + " at offset " + entry.offset() + " is too large to hold in memory: "
              + entry.size() + " bytes");
    }
    return readContent(entry.name(), entry.size(), entry.offset());
  }

  /** Streams the rest of the current entry's content into {@code out}. */
  void copyContent(Entry entry, OutputStream out) throws IOException {
    byte[] buffer = new byte[1 << 16];
    while (remaining > 0) {
      int n = readUpTo(buffer, (int) Math.min(buffer.length, remaining));
      if (n == 0) {
        throw truncated(entry.name(), entry.offset(), entry.size());
      }
      out.write(buffer, 0, n);
      remaining -= n;
    }
  }

  private byte[] readContent(String name, long size, long offset) throws IOException {
    byte[] content = new byte[(int) size];
    int got = readUpTo(content, content.length);
    remaining -= got;
    if (got < size) {
      throw truncated(name, offset, size);
    }
    return content;
  }

  private FileFormatException truncated(String name, long offset, long size) {
    return new FileFormatException(
        archive, "truncated: tar entry " + name + " (header at offset " + offset + ") declares " + size
            + " bytes of content, the archive ends at offset " + position);
  }

  private void verifyChecksum(byte[] header, long offset) throws IOException {
    long stored = number(header, 148, 8, offset);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    }
    if (sum != stored) {
      throw new FileFormatException(
          archive, "bad tar header at offset " + offset + ": checksum field says " + stored + ", header sums to "
              + sum);
    }
  }

  /** An octal field (NUL- or space-terminated), or a base-256 one (GNU) when its first byte has bit 7 set. */
  private long number(byte[] header, int from, int length, long offset) throws IOException {
    if ((header[from] & 0x80) != 0) {
      long value = header[from] & 0x7f;
      for (int i = from + 1; i < from + length; i++) {
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    long value = 0;
    int i = from;
    while (i < from + length && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    for (; i < from + length && header[i] != 0 && header[i] != ' '; i++) {
      int digit = header[i] - '0';
      if (digit < 0 || digit > 7) {
        throw new FileFormatException(
            archive, "bad tar header at offset " + offset + ": expected an octal number at byte " + from
                + ", found character 0x" + Integer.toHexString(header[i] & 0xff));
      }
      value = value * 8 + digit;
    }
    return value;
  }

  private static boolean isFileType(char type) {
    return type == '0' || type == '\0' || type == '7';
  }

  private static String ustarName(byte[] header) {
    String name = field(header, 0, 100);
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
        && header[261] == 'r';
    String prefix = ustar ? field(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static String field(byte[] header, int from, int length) {
    int end = from;
    while (end < from + length && header[end] != 0) {
      end++;
    }
    return new String(header, from, end - from, StandardCharsets.UTF_8);
  }

  /** The value of {@code key} in pax records {@code "<length> <key>=<value>\n"}, or null. */
  private static String paxValue(String records, String key) {
    String value = null;
    for (String record : records.split("\n")) {
      int space = record.indexOf(' ');
      if (space >= 0 && record.startsWith(key + "=", space + 1)) {
        value = record.substring(space + 2 + key.length());
      }
    }
    return value;
  }

  private static String trimNul(String s) {
    int nul = s.indexOf('\0');
    return nul >= 0 ? s.substring(0, nul) : s;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private int readUpTo(byte[] buffer, int length) throws IOException {
    int filled = 0;
    while (filled < length) {
      int n = in.read(buffer, filled, length - filled);
      if (n < 0) {
        break;
      }
      filled += n;
    }
    position += filled;
    return filled;
  }

  private void skip(long count) throws IOException {
    byte[] buffer = new byte[8192];
    long left = count;
    while (left > 0) {
      int n = readUpTo(buffer, (int) Math.min(buffer.length, left));
      if (n == 0) {
        throw new FileFormatException(
            archive, "truncated: the archive ends at offset " + position + ", inside an entry's content");
      }
      left -= n;
    }
  }
}
