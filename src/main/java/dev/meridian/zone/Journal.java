package dev.meridian.zone;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Makes accepted dynamic updates durable: each change is appended to {@code FILE.jnl} and forced to
 * disk, then the whole zone is written to {@code FILE} by write-then-rename. After a crash at any
 * point, {@link #replay} finds every acknowledged change either in the zone file or in the journal,
 * and never half of one. Confined to the updating thread.
 */
public final class Journal {
  private Journal() {}

  static Path of(Path zoneFile) {
    return zoneFile.resolveSibling(zoneFile.getFileName() + ".jnl");
  }

  /** Appends one change (serial from, to, removed and added records) and forces it to disk. */
  public static void append(
      Path zoneFile, long from, long to, List<Record> removed, List<Record> added)
      throws IOException {
    StringBuilder b = new StringBuilder("change ").append(from).append(' ').append(to).append('\n');
    for (Record r : removed) {
      b.append("- ").append(r).append('\n');
    }
    for (Record r : added) {
      b.append("+ ").append(r).append('\n');
    }
    b.append("end\n");
    try (FileChannel ch =
        FileChannel.open(
            of(zoneFile),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
  }

  /** Writes {@code zone} to its file atomically: a temporary file, forced, then renamed over it. */
  public static void fold(Zone zone, Path zoneFile) throws IOException {
    StringBuilder b =
        new StringBuilder("; written by meridian after a dynamic update; serial ")
            .append(zone.serial())
            .append('\n');
    for (Record r : zone.records()) {
      b.append(r).append('\n');
    }
    Path tmp = zoneFile.resolveSibling(zoneFile.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, zoneFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel dir =
        FileChannel.open(zoneFile.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true); // the rename itself reaches the disk
    } catch (IOException e) {
      // some file systems cannot sync a directory; the rename is still atomic
    }
  }

  /**
   * Applies, in order, the journal's complete changes that start at the zone's serial (those
   * acknowledged but not yet folded when the process died); an incomplete last entry (a crash while
   * appending, so never acknowledged) is ignored.
   */
  public static Zone replay(Zone zone, Path zoneFile) throws IOException, ZoneException {
    Path jnl = of(zoneFile);
    if (!Files.exists(jnl)) {
      return zone;
    }
    List<String> lines = Files.readAllLines(jnl, StandardCharsets.UTF_8);
    Zone z = zone;
    for (int i = 0; i < lines.size(); i++) {
      String[] head = lines.get(i).split(" ", -1);
      if (!head[0].equals("change") || head.length != 3) {
        continue;
      }
      List<String> body = new ArrayList<>();
      int j = i + 1;
      while (j < lines.size() && !lines.get(j).equals("end")) {
        body.add(lines.get(j++));
      }
      if (j >= lines.size()) {
        break; // torn write: this change was never acknowledged
      }
      i = j;
      if (Long.parseLong(head[1]) != z.serial()) {
        continue; // already in the zone file
      }
      ZoneEditor e = new ZoneEditor(z);
      for (String line : body) {
        Record r = parse(line.substring(2), z.origin());
        if (line.startsWith("- ")) {
          if (r.getType() != org.xbill.DNS.Type.SOA) {
            e.deleteRecord(r);
          }
        } else {
          e.add(r);
        }
      }
      z = e.build();
    }
    return z;
  }

  /**
   * An IXFR answer (RFC 1995 section 4) from {@code clientSerial} to {@code current}: the current
   * SOA, then per change the old SOA, the records it removed, the new SOA and the records it added,
   * then the current SOA again. Null when the journal does not hold an unbroken chain from the
   * client's serial to the current one (a hand edit in between, say): send the whole zone then.
   */
  public static List<Record> ixfr(Zone current, long clientSerial) throws IOException {
    Path jnl = of(Path.of(current.source()));
    if (!Files.exists(jnl)) {
      return null;
    }
    List<String> lines = Files.readAllLines(jnl, StandardCharsets.UTF_8);
    List<Record> out = new ArrayList<>();
    out.add(current.soa());
    long at = clientSerial;
    for (int i = 0; i < lines.size() && at != current.serial(); i++) {
      String[] head = lines.get(i).split(" ", -1);
      if (!head[0].equals("change") || head.length != 3 || Long.parseLong(head[1]) != at) {
        continue;
      }
      List<Record> gone = new ArrayList<>();
      List<Record> come = new ArrayList<>();
      Record oldSoa = null;
      Record newSoa = null;
      int j = i + 1;
      for (; j < lines.size() && !lines.get(j).equals("end"); j++) {
        Record r = parse(lines.get(j).substring(2), current.origin());
        boolean soa = r.getType() == org.xbill.DNS.Type.SOA;
        if (lines.get(j).startsWith("- ")) {
          if (soa) {
            oldSoa = r;
          } else {
            gone.add(r);
          }
        } else if (soa) {
          newSoa = r;
        } else {
          come.add(r);
        }
      }
      if (j >= lines.size() || oldSoa == null || newSoa == null) {
        return null; // torn or malformed: no delta from here
      }
      out.add(oldSoa);
      out.addAll(gone);
      out.add(newSoa);
      out.addAll(come);
      at = Long.parseLong(head[2]);
      i = j;
    }
    if (at != current.serial()) {
      return null;
    }
    out.add(current.soa());
    return out;
  }

  private static Record parse(String text, Name origin) throws IOException {
    try (Master m =
        new Master(
            new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), origin)) {
      Record r = m.nextRecord();
      if (r == null) {
        throw new IOException("empty journal record");
      }
      return r;
    }
  }
}
