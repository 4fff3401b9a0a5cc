package io.gpucompute.docs;

import java.util.ArrayList;
import java.util.List;

/**
 * A Java source file as text, for the docs tests that read the code: comments blanked out (string literals kept,
 * line numbers unchanged), and the arguments of a call or the parameters of a declaration split at their top-level
 * commas. A lexer, not a parser: it knows strings, text blocks, character literals, comments and brackets.
 */
final class JavaSource {

  private final String file;
  private final String code;

  JavaSource(String file, String text) {
    this.file = file;
    this.code = withoutComments(text);
  }

  String file() {
    return file;
  }

  /** The text with every comment replaced by spaces (newlines kept). */
  String code() {
    return code;
  }

  /** The 1-based line of {@code offset}. */
  int line(int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < code.length(); i++) {
      if (code.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /**
   * The comma-separated parts between the parenthesis at {@code open} and its match, trimmed; empty for {@code ()}.
   * Commas inside nested brackets, strings and lambdas' bodies do not split.
   */
  List<String> arguments(int open) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = open + 1;
    for (int i = open; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '"' || c == '\'') {
        i = endOfLiteral(code, i) - 1;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
        if (depth == 0) {
          String last = code.substring(start, i).trim();
          if (!last.isEmpty() || !parts.isEmpty()) {
            parts.add(last);
          }
          return parts;
        }
      } else if (c == ',' && depth == 1) {
        parts.add(code.substring(start, i).trim());
        start = i + 1;
      }
    }
    return parts;
  }

  /** The offset just after the string, text block or character literal that starts at {@code start}. */
  static int endOfLiteral(String text, int start) {
    if (text.startsWith("\"\"\"", start)) {
      int end = text.indexOf("\"\"\"", start + 3);
      while (end > 0 && text.charAt(end - 1) == '\\') {
        end = text.indexOf("\"\"\"", end + 1);
      }
      return end < 0 ? text.length() : end + 3;
    }
    char quote = text.charAt(start);
    for (int i = start + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == quote || c == '\n') {
        return i + 1;
      }
    }
    return text.length();
  }

  private static String withoutComments(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\'') {
        int end = endOfLiteral(text, i);
        out.append(text, i, end);
        i = end - 1;
      } else if (text.startsWith("//", i)) {
        int end = text.indexOf('\n', i);
        end = end < 0 ? text.length() : end;
        out.append(" ".repeat(end - i));
        i = end - 1;
      } else if (text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        end = end < 0 ? text.length() : end + 2;
        for (int j = i; j < end; j++) {
          out.append(text.charAt(j) == '\n' ? '\n' : ' ');
        }
        i = end - 1;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
