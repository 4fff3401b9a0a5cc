package io.gpucompute.secrets;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %msg}, scrubbed: logback.xml maps {@code msg}, {@code message} and {@code m} to it, so every log
 * line of the operator, the libraries' included, passes the {@link Scrubber}.
 */
public final class ScrubbedMessageConverter extends MessageConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return Scrubber.scrub(super.convert(event));
  }
}
