package io.gpucompute.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The addresses TCP sockets listen on, from {@code /proc/net/tcp} and {@code /proc/net/tcp6} (Linux). */
final class ListeningSockets {

  /** The TCP state LISTEN in /proc/net/tcp*. */
  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  /** The local addresses of the sockets that listen on {@code port}; IPv4-mapped IPv6 addresses as IPv4. */
  static List<InetAddress> on(int port) {
    List<InetAddress> addresses = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        List<String> lines = Files.readAllLines(Path.of(table));
        for (String line : lines.subList(1, lines.size())) {
          String[] fields = line.trim().split("\\s+");
          String[] local = fields[1].split(":");
          if (fields[3].equals(LISTEN) && Integer.parseInt(local[1], 16) == port) {
            addresses.add(address(local[0]));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + table, e);
      }
    }
    return addresses;
  }

  /** An address as /proc/net/tcp* writes it: in host byte order (little-endian here), 32 bits at a time. */
  private static InetAddress address(String hex) {
    byte[] raw = HexFormat.of().parseHex(hex);
    byte[] bytes = new byte[raw.length];
    for (int word = 0; word < raw.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        bytes[word + i] = raw[word + 3 - i];
      }
    }
    try {
      return InetAddress.getByAddress(bytes); // maps ::ffff:a.b.c.d to an Inet4Address
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an address: " + hex, e);
    }
  }
}
