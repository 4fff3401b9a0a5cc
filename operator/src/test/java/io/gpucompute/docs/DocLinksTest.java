package io.gpucompute.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md and docs/ resolves: the file or directory exists in the repository, and an
 * anchor ({@code #...}) names a heading (or an {@code <a id>}) of the Markdown file it points into.
 */
class DocLinksTest {

  static final Path REPO_ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyRelativeLinkOfTheReadmeAndTheDocsResolves() {
    List<MarkdownFile> files = markdownFiles();
    assertThat(files).extracting(f -> REPO_ROOT.relativize(f.path()).toString())
        .contains("README.md", "docs/operations.md", "docs/providers/runpod.md");

    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (MarkdownFile file : files) {
      for (MarkdownFile.Link link : file.links()) {
        if (link.target().matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          continue; // https:, mailto: ...: not relative
        }
        checked++;
        String problem = problem(file, link.target());
        if (problem != null) {
          broken.add(REPO_ROOT.relativize(file.path()) + ":" + link.line() + ": " + link.target() + " (" + problem + ")");
        }
      }
    }

    assertThat(checked).as("relative links checked").isGreaterThan(50);
    assertThat(broken).as("relative links that do not resolve").isEmpty();
  }

  @Test
  void anAnchorIsTheHeadingAsGitHubWritesIt() {
    assertThat(MarkdownFile.slug("Waiting and stalled (`Pending`)")).isEqualTo("waiting-and-stalled-pending");
    assertThat(MarkdownFile.slug("The operator's permissions")).isEqualTo("the-operators-permissions");
    assertThat(MarkdownFile.slug("GpuDag conditions, [reasons](#x) and phases"))
        .isEqualTo("gpudag-conditions-reasons-and-phases");
    assertThat(MarkdownFile.slug("Secrets: the trade-off")).isEqualTo("secrets-the-trade-off");
  }

  /** Why {@code target}, written in {@code file}, does not resolve; null when it does. */
  private static String problem(MarkdownFile file, String target) {
    int hash = target.indexOf('#');
    String pathPart = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path resolved = pathPart.isEmpty() ? file.path() : file.path().getParent().resolve(pathPart).normalize();
    if (!resolved.startsWith(REPO_ROOT)) {
      return "outside the repository";
    }
    if (!Files.exists(resolved)) {
      return "no such file";
    }
    if (anchor == null) {
      return null;
    }
    if (!resolved.toString().endsWith(".md")) {
      return "an anchor into a file that is not Markdown";
    }
    return MarkdownFile.read(resolved).anchors().contains(anchor) ? null : "no heading with that anchor";
  }

  /** README.md and every Markdown file under docs/. */
  static List<MarkdownFile> markdownFiles() {
    try (Stream<Path> docs = Files.walk(REPO_ROOT.resolve("docs"))) {
      return Stream.concat(Stream.of(REPO_ROOT.resolve("README.md")),
          docs.filter(p -> p.toString().endsWith(".md")).sorted()).map(MarkdownFile::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
