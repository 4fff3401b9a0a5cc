package io.gpucompute.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Markdown file read for what the docs tests check: its links and the anchors of its headings. */
final class MarkdownFile {

  /** {@code [text](target)} or {@code ![alt](target)}, with an optional title; the target has no spaces. */
  private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
  private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");

  /** One link: the line it is on and its target as written. */
  record Link(int line, String target) {}

  private final Path path;
  private final List<String> lines;

  private MarkdownFile(Path path, List<String> lines) {
    this.path = path;
    this.lines = lines;
  }

  static MarkdownFile read(Path path) {
    try {
      return new MarkdownFile(path, Files.readAllLines(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  Path path() {
    return path;
  }

  /** The links outside code blocks and code spans. */
  List<Link> links() {
    List<Link> links = new ArrayList<>();
    forEachProseLine((number, line) -> {
      Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
      while (link.find()) {
        links.add(new Link(number, link.group(1)));
      }
    });
    return links;
  }

  /**
   * The anchors a link may name: each heading's as GitHub makes it (lower case, punctuation dropped, spaces as
   * hyphens, {@code -1}, {@code -2} ... for repeats), and each {@code <a id>} or {@code <a name>}.
   */
  Set<String> anchors() {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    forEachProseLine((number, line) -> {
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        String slug = slug(heading.group(1));
        int repeat = seen.merge(slug, 1, Integer::sum) - 1;
        anchors.add(repeat == 0 ? slug : slug + "-" + repeat);
      }
      Matcher html = HTML_ANCHOR.matcher(line);
      while (html.find()) {
        anchors.add(html.group(1));
      }
    });
    return anchors;
  }

  /**
   * The first cells of the rows of every table whose header's first cell is {@code header}, with their line
   * numbers, in file order.
   */
  Map<Integer, String> firstCellsOfTables(String header) {
    Map<Integer, String> cells = new LinkedHashMap<>();
    boolean inTable = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (!line.startsWith("|")) {
        inTable = false;
      } else if (!inTable && i + 1 < lines.size() && lines.get(i + 1).trim().matches("\\|[-:| ]+\\|")) {
        inTable = cells(line).get(0).equals(header);
        i++; // the delimiter row
      } else if (inTable) {
        cells.put(i + 1, cells(line).get(0));
      }
    }
    return cells;
  }

  private static List<String> cells(String row) {
    String inner = row.substring(1, row.endsWith("|") ? row.length() - 1 : row.length());
    return Arrays.stream(inner.split("(?<!\\\\)\\|", -1)).map(String::trim).toList();
  }

  /** GitHub's anchor of a heading: its text without links' targets, lower case, only letters, digits, - and _. */
  static String slug(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
    StringBuilder slug = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        slug.appendCodePoint(c);
      } else if (c == ' ') {
        slug.append('-');
      }
    });
    return slug.toString();
  }

  private interface LineConsumer {
    void accept(int number, String line);
  }

  /** Calls {@code consumer} for each line outside fenced code blocks, with its 1-based number. */
  private void forEachProseLine(LineConsumer consumer) {
    String fence = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.stripLeading();
      if (fence == null && (trimmed.startsWith("```") || trimmed.startsWith("~~~"))) {
        fence = trimmed.substring(0, 3);
      } else if (fence != null && trimmed.startsWith(fence)) {
        fence = null;
      } else if (fence == null) {
        consumer.accept(i + 1, line);
      }
    }
  }
}
