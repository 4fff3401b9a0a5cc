package io.gpucompute.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every reason the operator's code can set on a condition or an Event, read from the code itself, so that a reason
 * added there shows up here without a list to keep. Two sources:
 *
 * <ol>
 *   <li>The constants of the reason classes ({@code JobReason}, {@code DagReason}): their {@code static final String}
 *       fields, or, should they become enums, their constants' {@code toString()}.
 *   <li>The main sources: every call of a method or constructor that has a {@code String} parameter named
 *       {@code reason} (such as {@code new ProviderException.InvalidRequest(reason, message)},
 *       {@code ProbeResult.notReady}, {@code EventRecorder.warning}, {@code Conditions.with}, a record like
 *       {@code DagGraph.Problem}), including {@code super(...)} calls to such a constructor of the file's own class,
 *       and every assignment to a variable named {@code reason}. The reason argument counts when it is a string
 *       literal, a constant ({@code JobReason.X}, {@code IDEMPOTENT_MISMATCH}) or a {@code ?:} of those; any other
 *       expression (a variable, {@code e.reason()}) forwards a reason set elsewhere. A literal counts only when it is
 *       CamelCase: a parameter called {@code reason} that holds a sentence (PodLogs) is not a condition reason.
 * </ol>
 *
 * A constant that cannot be resolved is reported, so that nothing is skipped silently.
 */
final class ReasonsInCode {

  /** The reason classes whose every constant is a reason. */
  static final List<String> REASON_CLASSES = List.of("io.gpucompute.job.JobReason", "io.gpucompute.dag.DagReason");

  private static final Pattern STRING_REASON_PARAMETER = Pattern.compile("\\bString\\s+reason\\s*[,)]");
  private static final Pattern CONSTANT = Pattern.compile(
      "static\\s+final\\s+String\\s+([A-Z][A-Z0-9_]*)\\s*=\\s*\"([^\"]*)\"\\s*;");
  private static final Pattern REASON_ASSIGNMENT = Pattern.compile("\\breason\\s*=\\s*(?!=)");
  private static final Pattern CONSTANT_REFERENCE = Pattern.compile("(?:([A-Z]\\w*)\\.)?([A-Z][A-Z0-9_]*)");
  private static final Pattern CAMEL_CASE = Pattern.compile("[A-Z][A-Za-z0-9]*");

  /** What was found: each reason with where it is set, and what could not be read. */
  record Found(Map<String, Set<String>> reasons, List<String> unresolved) {}

  private record ReasonParameter(String name, int index, int arity) {}

  private ReasonsInCode() {}

  static Found scan(Path mainSources) throws ClassNotFoundException {
    List<JavaSource> sources = sources(mainSources);
    Map<String, Set<String>> reasons = new TreeMap<>();
    List<String> unresolved = new ArrayList<>();
    for (String className : REASON_CLASSES) {
      for (String reason : constantsOf(Class.forName(className))) {
        reasons.computeIfAbsent(reason, r -> new TreeSet<>()).add(className);
      }
    }
    Map<String, String> constants = constants(sources);
    for (String className : REASON_CLASSES) {
      Class<?> type = Class.forName(className);
      if (type.isEnum()) {
        for (Object constant : type.getEnumConstants()) {
          constants.put(type.getSimpleName() + "." + ((Enum<?>) constant).name(), constant.toString());
        }
      }
    }
    List<ReasonParameter> parameters = reasonParameters(sources);
    for (JavaSource source : sources) {
      for (Map.Entry<Integer, String> argument : reasonArguments(source, parameters).entrySet()) {
        String where = source.file() + ":" + source.line(argument.getKey());
        resolve(argument.getValue(), source, constants, where, reasons, unresolved);
      }
    }
    return new Found(reasons, unresolved);
  }

  /** The reason arguments of {@code source}'s calls and assignments, by offset. */
  private static Map<Integer, String> reasonArguments(JavaSource source, List<ReasonParameter> parameters) {
    String code = source.code();
    Map<Integer, String> arguments = new TreeMap<>();
    String ownClass = Path.of(source.file()).getFileName().toString().replace(".java", "");
    for (ReasonParameter parameter : parameters) {
      String callee = parameter.name().equals(ownClass) ? "(?:\\bsuper|\\b" + ownClass + ")" : "\\b" + parameter.name();
      Matcher call = Pattern.compile(callee + "\\s*\\(").matcher(code);
      while (call.find()) {
        List<String> args = source.arguments(call.end() - 1);
        if (args.size() == parameter.arity()) {
          arguments.put(call.start(), args.get(parameter.index()));
        }
      }
    }
    Matcher assignment = REASON_ASSIGNMENT.matcher(code);
    while (assignment.find()) {
      int end = code.indexOf(';', assignment.end());
      arguments.put(assignment.start(), code.substring(assignment.end(), end < 0 ? code.length() : end).trim());
    }
    return arguments;
  }

  /** Adds the reasons {@code expression} can be; notes a constant it cannot resolve. */
  private static void resolve(String expression, JavaSource source, Map<String, String> constants, String where,
      Map<String, Set<String>> reasons, List<String> unresolved) {
    String e = expression.trim();
    int question = topLevel(e, '?');
    if (question > 0) {
      int colon = topLevel(e.substring(question + 1), ':');
      if (colon > 0) {
        resolve(e.substring(question + 1, question + 1 + colon), source, constants, where, reasons, unresolved);
        resolve(e.substring(question + 2 + colon), source, constants, where, reasons, unresolved);
        return;
      }
    }
    if (e.startsWith("\"") && JavaSource.endOfLiteral(e, 0) == e.length()) {
      String literal = e.substring(1, e.length() - 1);
      if (CAMEL_CASE.matcher(literal).matches()) {
        reasons.computeIfAbsent(literal, r -> new TreeSet<>()).add(where);
      }
      return;
    }
    Matcher constant = CONSTANT_REFERENCE.matcher(e);
    if (constant.matches()) {
      String owner = constant.group(1) != null ? constant.group(1)
          : Path.of(source.file()).getFileName().toString().replace(".java", "");
      String value = constants.get(owner + "." + constant.group(2));
      if (value == null) {
        unresolved.add(where + ": " + e);
      } else {
        reasons.computeIfAbsent(value, r -> new TreeSet<>()).add(where);
      }
    }
    // Anything else forwards a reason from elsewhere: a variable, a method call.
  }

  /** The offset of the first {@code c} outside brackets and literals, or -1. */
  private static int topLevel(String expression, char c) {
    int depth = 0;
    for (int i = 0; i < expression.length(); i++) {
      char at = expression.charAt(i);
      if (at == '"' || at == '\'') {
        i = JavaSource.endOfLiteral(expression, i) - 1;
      } else if (at == '(' || at == '[' || at == '{') {
        depth++;
      } else if (at == ')' || at == ']' || at == '}') {
        depth--;
      } else if (at == c && depth == 0 && !(c == ':' && expression.startsWith("::", i))) {
        return i;
      }
    }
    return -1;
  }

  /** Each method, constructor or record with a {@code String reason} parameter: its name, that parameter's place. */
  private static List<ReasonParameter> reasonParameters(List<JavaSource> sources) {
    Set<ReasonParameter> found = new HashSet<>();
    for (JavaSource source : sources) {
      Matcher parameter = STRING_REASON_PARAMETER.matcher(source.code());
      while (parameter.find()) {
        int open = openingParenthesis(source.code(), parameter.start());
        Matcher name = Pattern.compile("(\\w+)\\s*$").matcher(source.code().substring(0, open));
        if (open < 0 || !name.find()) {
          continue;
        }
        List<String> declared = source.arguments(open);
        for (int i = 0; i < declared.size(); i++) {
          if (declared.get(i).matches("(?:final\\s+)?String\\s+reason")) {
            found.add(new ReasonParameter(name.group(1), i, declared.size()));
          }
        }
      }
    }
    return List.copyOf(found);
  }

  /** The offset of the unmatched {@code (} before {@code offset}, or -1. */
  private static int openingParenthesis(String code, int offset) {
    int depth = 0;
    for (int i = offset; i >= 0; i--) {
      char c = code.charAt(i);
      if (c == ')') {
        depth++;
      } else if (c == '(') {
        if (depth == 0) {
          return i;
        }
        depth--;
      }
    }
    return -1;
  }

  /** Every {@code static final String NAME = "..."} of the sources, as {@code Class.NAME}. */
  private static Map<String, String> constants(List<JavaSource> sources) {
    Map<String, String> constants = new HashMap<>();
    for (JavaSource source : sources) {
      String owner = Path.of(source.file()).getFileName().toString().replace(".java", "");
      Matcher constant = CONSTANT.matcher(source.code());
      while (constant.find()) {
        constants.put(owner + "." + constant.group(1), constant.group(2));
      }
    }
    return constants;
  }

  private static List<String> constantsOf(Class<?> type) {
    if (type.isEnum()) {
      return Stream.of(type.getEnumConstants()).map(Object::toString).toList();
    }
    List<String> values = new ArrayList<>();
    for (Field field : type.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers) && field.getType() == String.class) {
        try {
          values.add((String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read " + type.getName() + "." + field.getName(), e);
        }
      }
    }
    return values;
  }

  private static List<JavaSource> sources(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().map(f -> {
        try {
          return new JavaSource(root.relativize(f).toString(), Files.readString(f));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
