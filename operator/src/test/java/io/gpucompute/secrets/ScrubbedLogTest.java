package io.gpucompute.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The operator's own logback.xml (on the classpath) writes every message and stack trace through the Scrubber. */
class ScrubbedLogTest {

  private static final String SECRET = "log-secret-" + UUID.randomUUID();

  @Test
  void theConfiguredConsoleLineMasksASecretInTheMessageAndInTheStackTrace() {
    SecretValues.remember(List.of(SECRET));
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT");
    Layout<ILoggingEvent> layout = ((PatternLayoutEncoder) console.getEncoder()).getLayout();
    Exception failure = new IllegalStateException("provider said: bad key " + SECRET,
        new RuntimeException("cause echoes " + SECRET));

    String line = layout.doLayout(new LoggingEvent(ScrubbedLogTest.class.getName(), root, Level.WARN,
        "submit failed for key {}", failure, new Object[] {SECRET}));

    assertThat(line).contains("submit failed for key ***").contains("provider said: bad key ***")
        .contains("cause echoes ***").contains("IllegalStateException").doesNotContain(SECRET);
  }
}
