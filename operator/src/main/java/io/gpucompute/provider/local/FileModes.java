package io.gpucompute.provider.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Owners and modes of the files the Local provider prepares for a workload run as its own user (Linux). */
final class FileModes {

  /** Only the owner reads, writes and enters. */
  static final int OWNER_ONLY = 0700;
  /** Others may pass through, to reach what is below by name, but not list or change it. */
  static final int PASS_THROUGH = 0711;
  /** Only the owner reads and writes. */
  static final int OWNER_READ_WRITE = 0600;

  private FileModes() {}

  /** Sets {@code path}'s mode, never following a symbolic link. */
  static void setMode(Path path, int mode) throws IOException {
    Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
  }

  /** Gives {@code path} to {@code user}'s uid and gid, never following a symbolic link. */
  static void giveTo(Path path, WorkloadUser user) throws IOException {
    Files.setAttribute(path, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
  }

  /** Gives {@code path} to root with mode {@link #OWNER_ONLY}: its old owner can no longer enter it. */
  static void giveToRoot(Path path) throws IOException {
    giveTo(path, new WorkloadUser(0, 0));
    if (!Files.isSymbolicLink(path)) {
      setMode(path, OWNER_ONLY);
    }
  }
}
