package io.gpucompute.operator;

/**
 * Bounds how long the JDK's HTTP server, which serves the probes, {@code /metrics} and the admission webhook, waits
 * for a client. Left alone, it waits forever for a request that a client started and never finished (a TLS record
 * cut short, a request line without its end): a few such connections hold every server thread, so the kubelet's
 * probes fail and the operator is restarted, or every write that passes through the webhook fails. With these
 * bounds such a connection is closed after {@link #REQUEST_SECONDS} and its thread serves again.
 *
 * <p>The JDK reads these settings once, when its first HTTP server is made: {@link #apply()} must run before that
 * ({@code Main} calls it first). A value set on the command line ({@code -Dsun.net.httpserver.maxReqTime=...}) wins.
 */
public final class HttpServerTimeouts {

  /** The most seconds a client may take to send a whole request, TLS handshake included. */
  public static final int REQUEST_SECONDS = 5;
  /** The most seconds a client may take to read a whole response (a scrape of {@code /metrics} on a slow link). */
  public static final int RESPONSE_SECONDS = 30;

  private HttpServerTimeouts() {}

  /** Sets the bounds for this JVM's HTTP servers, unless they are set already. */
  public static void apply() {
    setUnlessSet("sun.net.httpserver.maxReqTime", REQUEST_SECONDS);
    setUnlessSet("sun.net.httpserver.maxRspTime", RESPONSE_SECONDS);
  }

  private static void setUnlessSet(String property, int seconds) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, Integer.toString(seconds));
    }
  }
}
