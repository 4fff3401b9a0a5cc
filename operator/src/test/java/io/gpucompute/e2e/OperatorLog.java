package io.gpucompute.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.LoggerFactory;

/**
 * The last lines the test JVM logged (the in-process operator's log, among others), kept in memory for
 * {@link E2eDumps}. Installed once on logback's root logger, beside the console appender.
 */
final class OperatorLog extends AppenderBase<ILoggingEvent> {

  private static final int MAX_LINES = 20_000;
  private static OperatorLog installed;

  private final Deque<String> lines = new ArrayDeque<>();
  private final PatternLayout layout = new PatternLayout();

  private OperatorLog() {}

  /** Installs the appender on first use; later calls return it. */
  static synchronized OperatorLog install() {
    if (installed == null) {
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      OperatorLog appender = new OperatorLog();
      appender.setContext(context);
      appender.setName("e2e-operator-log");
      appender.layout.setContext(context);
      appender.layout.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36}"
          + "%replace( %X{resource.kind} %X{resource.namespace}/%X{resource.name}){'^  /$', ''} - %msg%n%ex");
      appender.layout.start();
      appender.start();
      context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
      installed = appender;
    }
    return installed;
  }

  @Override
  protected void append(ILoggingEvent event) {
    String line = layout.doLayout(event);
    synchronized (lines) {
      lines.addLast(line);
      while (lines.size() > MAX_LINES) {
        lines.removeFirst();
      }
    }
  }

  /** Forgets what was logged so far (at the start of each test). */
  void clear() {
    synchronized (lines) {
      lines.clear();
    }
  }

  /** What was logged since the last {@link #clear()}. */
  String text() {
    synchronized (lines) {
      return String.join("", lines);
    }
  }
}
