package io.gpucompute.provider.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks nvidia-smi which GPUs the host has. Never fails: when the binary is absent, fails or hangs past the timeout,
 * the answer is "no GPUs" and the caller falls back to the declared ones.
 */
final class NvidiaSmiInventory {

  private static final Logger log = LoggerFactory.getLogger(NvidiaSmiInventory.class);

  private final String command;
  private final Duration timeout;

  NvidiaSmiInventory(String command, Duration timeout) {
    this.command = command;
    this.timeout = timeout;
  }

  /** The GPUs nvidia-smi reports, or an empty list when it cannot tell. */
  List<GpuDevice> read() {
    List<String> argv = new ArrayList<>();
    argv.add(command);
    argv.addAll(NvidiaSmiCsv.QUERY_ARGS);
    Process process;
    try {
      process = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      log.info("nvidia-smi ('{}') cannot run, so the declared GPUs are used: {}", command, e.getMessage());
      return List.of();
    }
    try {
      CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        log.warn("nvidia-smi ('{}') did not answer within {}, so the declared GPUs are used", command, timeout);
        return List.of();
      }
      if (process.exitValue() != 0) {
        log.info("nvidia-smi ('{}') exited with code {}, so the declared GPUs are used", command, process.exitValue());
        return List.of();
      }
      String text = new String(output.get(timeout.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
      NvidiaSmiCsv.Parsed parsed = NvidiaSmiCsv.parse(text);
      parsed.skipped().forEach(line -> log.warn("nvidia-smi line skipped: {}", line));
      return parsed.devices();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return List.of();
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      log.warn("nvidia-smi ('{}') output could not be read, so the declared GPUs are used: {}", command, e.toString());
      return List.of();
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
