package io.gpucompute.secrets;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %ex}, scrubbed: an exception's message and its causes' (a provider's error text, an API
 * server's answer) pass the {@link Scrubber} before they reach the log.
 */
public final class ScrubbedThrowableConverter extends ThrowableProxyConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return Scrubber.scrub(super.convert(event));
  }
}
