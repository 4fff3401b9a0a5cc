package io.gpucompute.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of one server (the API server), that a test cuts: a network partition between
 * the clients that use it and that server, made from outside the operator.
 *
 * <p>While {@link #cut()}, every byte in either direction is dropped, on the connections that are open and on new
 * ones, which are accepted and then hear nothing: requests hang until their client times out, as behind a failed
 * switch. {@link #restore()} closes every connection (they are unusable, bytes were lost) and forwards again.
 */
final class LoopbackProxy implements AutoCloseable {

  private final ServerSocket server;
  private final InetAddress targetHost;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean closed;

  private LoopbackProxy(ServerSocket server, InetAddress targetHost, int targetPort) {
    this.server = server;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    daemon("proxy-accept-" + server.getLocalPort(), this::acceptLoop).start();
  }

  /** A proxy to {@code host:port}, on a free loopback port. */
  static LoopbackProxy to(String host, int port) {
    try {
      return new LoopbackProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), InetAddress.getByName(host),
          port);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a proxy to " + host + ":" + port, e);
    }
  }

  /**
   * A copy of {@code kubeconfig} at {@code target} whose cluster is reached through this proxy (same CA: the API
   * server's certificate is for 127.0.0.1, whatever the port).
   */
  Path kubeconfigThrough(Path kubeconfig, Path target) {
    try {
      String text = Files.readString(kubeconfig);
      String server = text.lines().filter(l -> l.trim().startsWith("server:")).findFirst().orElseThrow().trim();
      URI uri = URI.create(server.substring("server:".length()).trim());
      String proxied = text.replace(server, "server: " + uri.getScheme() + "://127.0.0.1:" + port());
      Files.createDirectories(target.getParent());
      return Files.writeString(target, proxied);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + target, e);
    }
  }

  int port() {
    return server.getLocalPort();
  }

  /** From now on, nothing passes in either direction, on open connections and on new ones. */
  void cut() {
    cut = true;
  }

  /** Closes every connection, so that clients reconnect, and forwards again. */
  void restore() {
    sockets.forEach(LoopbackProxy::closeQuietly);
    sockets.clear();
    cut = false;
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    sockets.forEach(LoopbackProxy::closeQuietly);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Socket upstream = new Socket(targetHost, targetPort);
        sockets.add(upstream);
        daemon("proxy-up-" + client.getPort(), () -> pump(client, upstream)).start();
        daemon("proxy-down-" + client.getPort(), () -> pump(upstream, client)).start();
      } catch (IOException e) {
        if (!closed) {
          System.err.println("e2e: proxy on port " + port() + " could not connect a client: " + e);
        }
      }
    }
  }

  /** Copies {@code from} to {@code to} while not cut (drops what it reads while cut); closes both at the end. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        if (!cut) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // the other side or restore() closed the connection
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // already closed
    }
  }
}
