package dev.vlt.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * WebDataset tar shards, streamed without unpacking. Consecutive members sharing a key (the path up to the first dot of
 * the file name) form one sample: an image ({@code jpg}, {@code png}, {@code webp}, …) plus {@code txt} (the caption),
 * {@code json} (caption(s), label, boxes) and/or {@code cls} (an integer label). Each epoch visits the shards in a
 * seeded order and mixes samples through a seeded shuffle buffer.
 */
public final class WebDatasetSource implements DataSource {
  private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp", "gif", "bmp", "ppm");
  /** A member larger than this is not read into memory; no real image-text sample comes near it. */
  private static final long MAX_MEMBER_BYTES = 256L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String pattern;
  private final List<Path> shards;
  private final int shuffleBuffer;

  private WebDatasetSource(String pattern, List<Path> shards, int shuffleBuffer) {
    this.pattern = pattern;
    this.shards = shards;
    this.shuffleBuffer = shuffleBuffer;
  }

  /**
   * @param pattern shard paths with brace groups, e.g. {@code data/shards/{000000..000099}.tar}
   * @param shuffleBuffer samples held for mixing; 1 keeps each shard's order (and the shard order)
   */
  public static WebDatasetSource open(String pattern, int shuffleBuffer) {
    if (shuffleBuffer < 1) throw new IllegalArgumentException("shuffle buffer must be at least 1, got " + shuffleBuffer);
    List<Path> shards = ShardPattern.expand(pattern).stream().map(Path::of).toList();
    return new WebDatasetSource(pattern, shards, shuffleBuffer);
  }

  public List<Path> shards() {
    return shards;
  }

  @Override
  public long size() {
    return -1;
  }

  @Override
  public String describe() {
    return "webdataset " + pattern + " (" + shards.size() + " shards)";
  }

  @Override
  public Iterator<Sample> stream(long seed, SkipReport skips) {
    List<Path> order = new ArrayList<>(shards);
    if (shuffleBuffer > 1) Collections.shuffle(order, new Random(seed));
    Iterator<Sample> samples = new Reader(order, skips);
    return shuffleBuffer > 1 ? new ShuffleBuffer<>(samples, shuffleBuffer, seed ^ 0x5DEECE66DL) : samples;
  }

  /** Reads shards one after another and yields one sample per well-formed member group. */
  private static final class Reader implements Iterator<Sample> {
    private final Iterator<Path> shards;
    private final SkipReport skips;
    private Path shard;
    private TarArchiveInputStream tar;
    private TarArchiveEntry pending; // first member of the next group, already read
    private Sample next;

    Reader(List<Path> shards, SkipReport skips) {
      this.shards = shards.iterator();
      this.skips = skips;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (tar == null && !openNextShard()) return false;
        next = readGroup();
      }
      return true;
    }

    @Override
    public Sample next() {
      if (!hasNext()) throw new NoSuchElementException();
      Sample s = next;
      next = null;
      return s;
    }

    private boolean openNextShard() {
      while (shards.hasNext()) {
        shard = shards.next();
        try {
          InputStream in = new BufferedInputStream(Files.newInputStream(shard), 1 << 16);
          tar = new TarArchiveInputStream(in);
          pending = nextFile();
          return true;
        } catch (NoSuchFileException e) {
          skips.skip(SkipReport.Reason.MISSING_FILE, shard.toString(), "shard not found");
        } catch (IOException e) {
          skips.skip(SkipReport.Reason.MALFORMED_RECORD, shard.toString(), "unreadable tar: " + e.getMessage());
          closeShard();
        }
      }
      return false;
    }

    /** One group of members with the same key; null when the group was skipped or the shard ended. */
    private Sample readGroup() {
      try {
        if (pending == null) {
          closeShard();
          return null;
        }
        String key = key(pending.getName());
        Map<String, byte[]> members = new LinkedHashMap<>();
        while (pending != null && key(pending.getName()).equals(key)) {
          if (pending.getSize() > MAX_MEMBER_BYTES) throw new IOException(pending.getName() + " is " + pending.getSize() + " bytes");
          members.put(extension(pending.getName()), tar.readAllBytes());
          pending = nextFile();
        }
        return toSample(key, members);
      } catch (IOException e) {
        skips.skip(SkipReport.Reason.MALFORMED_RECORD, shard.toString(), "tar ends early or is damaged: " + e.getMessage());
        closeShard();
        return null;
      }
    }

    private TarArchiveEntry nextFile() throws IOException {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null && !e.isFile()) {
        // directories and links carry no sample data
      }
      return e;
    }

    private Sample toSample(String key, Map<String, byte[]> members) {
      String where = shard.getFileName() + ":" + key;
      String imageExt = members.keySet().stream().filter(IMAGE_EXTENSIONS::contains).findFirst().orElse(null);
      if (imageExt == null) {
        skips.skip(SkipReport.Reason.MALFORMED_RECORD, where, "no image member among " + members.keySet());
        return null;
      }
      List<String> captions = new ArrayList<>();
      boolean hadCaption = false;
      int label = Sample.NO_LABEL;
      List<Box> boxes = List.of();
      try {
        if (members.containsKey("json")) {
          RecordFields f = RecordFields.parse(JSON.readTree(members.get("json")), false);
          captions.addAll(f.captions());
          hadCaption = f.hadCaption();
          if (f.label() instanceof Integer n) label = n;
          boxes = f.boxes();
        }
      } catch (JsonProcessingException e) {
        skips.skip(SkipReport.Reason.MALFORMED_RECORD, where + ".json", "not JSON: " + e.getOriginalMessage());
        return null;
      } catch (IOException | RecordFields.Malformed e) {
        skips.skip(SkipReport.Reason.MALFORMED_RECORD, where + ".json", e.getMessage());
        return null;
      }
      if (members.containsKey("txt")) {
        hadCaption = true;
        String t = new String(members.get("txt"), StandardCharsets.UTF_8).strip();
        if (!t.isEmpty()) captions.add(0, t);
      }
      if (members.containsKey("cls")) {
        String c = new String(members.get("cls"), StandardCharsets.UTF_8).strip();
        if (!c.matches("\\d{1,9}")) {
          skips.skip(SkipReport.Reason.MALFORMED_RECORD, where + ".cls", "class must be a non-negative integer, got '" + c + "'");
          return null;
        }
        label = Integer.parseInt(c);
      }
      if (hadCaption && captions.isEmpty()) {
        skips.skip(SkipReport.Reason.EMPTY_CAPTION, where, null);
        return null;
      }
      if (!hadCaption && label == Sample.NO_LABEL) {
        skips.skip(SkipReport.Reason.MALFORMED_RECORD, where, "neither a caption (txt, json) nor a label (cls)");
        return null;
      }
      ImageSource image = ImageSource.bytes(members.get(imageExt), where + "." + imageExt);
      return new Sample(key, image, captions, label, boxes, List.of(), where);
    }

    private void closeShard() {
      try {
        if (tar != null) tar.close();
      } catch (IOException ignored) {
        // closing a read-only stream: nothing to recover
      }
      tar = null;
      pending = null;
    }
  }

  /** WebDataset's key: the member path up to the first dot of its file name. */
  static String key(String member) {
    int slash = member.lastIndexOf('/');
    int dot = member.indexOf('.', slash + 1);
    return dot < 0 ? member : member.substring(0, dot);
  }

  static String extension(String member) {
    int slash = member.lastIndexOf('/');
    int dot = member.indexOf('.', slash + 1);
    return dot < 0 ? "" : member.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
  }
}
