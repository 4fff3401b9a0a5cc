package io.gpucompute.provider;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Uploads a file to a {@link LogUpload} URL from the operator itself, for the Local provider, whose workload's output
 * is a file on the operator's host. One HTTP PUT; its message never shows the URL, whose query is a signature.
 */
public final class LogUploads {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
      .proxy(HttpClient.Builder.NO_PROXY).build();

  private LogUploads() {}

  /**
   * PUTs {@code file} to {@code url}.
   *
   * @throws IOException when the file cannot be read or the storage does not answer 2xx, with the status and the
   *     storage's error code, never the URL's query
   */
  public static void put(Path file, URI url) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
        .PUT(HttpRequest.BodyPublishers.ofFile(file)).build();
    HttpResponse<String> response;
    try {
      response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while uploading to " + where(url), e);
    } catch (IOException e) {
      throw new IOException("cannot upload to " + where(url) + ": " + e.getMessage(), e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException(where(url) + " answered HTTP " + response.statusCode() + " " + errorCode(response.body()));
    }
  }

  /** The URL without its query (the signature). */
  static String where(URI url) {
    return url.getScheme() + "://" + url.getAuthority() + url.getRawPath();
  }

  private static String errorCode(String body) {
    java.util.regex.Matcher code = java.util.regex.Pattern.compile("<Code>([^<]{1,100})</Code>").matcher(body);
    return code.find() ? "(" + code.group(1) + ")" : "";
  }
}
