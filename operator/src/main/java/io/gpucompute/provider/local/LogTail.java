package io.gpucompute.provider.local;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The last lines of a workload's output, bounded in lines and bytes, read from the end of the file so a huge log
 * is never read whole.
 */
final class LogTail {

  static final int MAX_LINES = 40;
  static final int MAX_BYTES = 4096;

  private LogTail() {}

  /** The tail of {@code file}; "" when the file is empty or absent (the program printed nothing). */
  static String read(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      int size = (int) Math.min(length, MAX_BYTES);
      byte[] bytes = new byte[size];
      raf.seek(length - size);
      raf.readFully(bytes);
      return fromEnd(bytes, length > size, MAX_LINES, MAX_BYTES);
    } catch (FileNotFoundException e) {
      return "";
    }
  }

  /**
   * The tail of the last bytes of a file. Pure.
   *
   * @param bytes the last bytes of the file
   * @param cutAtStart whether the file goes on before {@code bytes}: then a partial first line and a partial UTF-8
   *     character are dropped
   * @param maxLines the most lines to keep
   * @param maxBytes the most UTF-8 bytes the result may have
   */
  static String fromEnd(byte[] bytes, boolean cutAtStart, int maxLines, int maxBytes) {
    int start = 0;
    if (cutAtStart) {
      while (start < bytes.length && (bytes[start] & 0xC0) == 0x80) {
        start++; // a UTF-8 continuation byte: the rest of a character cut in two
      }
    }
    String text = decode(Arrays.copyOfRange(bytes, start, bytes.length));
    if (cutAtStart) {
      int newline = text.indexOf('\n');
      if (newline >= 0 && newline < text.length() - 1) {
        text = text.substring(newline + 1); // the first line is partial
      }
    }
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    List<String> lines = Arrays.asList(text.split("\n", -1));
    String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
    return withinBytes(tail, maxBytes);
  }

  private static String decode(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("a replacing decoder never throws", e);
    }
  }

  /** Replacement characters may take more bytes than what they replace: trim from the start until it fits. */
  private static String withinBytes(String text, int maxBytes) {
    int excess = text.getBytes(StandardCharsets.UTF_8).length - maxBytes;
    int start = 0;
    while (excess > 0) {
      int codePoint = text.codePointAt(start);
      excess -= utf8Length(codePoint);
      start += Character.charCount(codePoint);
    }
    return text.substring(start);
  }

  private static int utf8Length(int codePoint) {
    return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
}
