package dev.vlt.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Image-text records listed in a JSONL file (one object per line) or a CSV/TSV file with a header row; image paths are
 * relative to the manifest's folder. Lines that break the format, or carry only empty captions, are skipped and counted
 * when the manifest is read; missing or bad image files are found (and counted) when a loader decodes them. String labels
 * become class indices in sorted name order.
 */
public final class Manifest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Manifest() {}

  /** Reads {@code .jsonl}/{@code .json} as JSON lines, {@code .csv} comma- and {@code .tsv} tab-separated. */
  public static SampleList read(Path manifest, SkipReport skips) throws IOException {
    return read(manifest, skips, null, null, null);
  }

  /**
   * As {@link #read(Path, SkipReport)}, with open_clip's manifest options.
   *
   * @param imageKey the image-path column or field, or null for any of image, filepath, file, path
   * @param captionKey the caption column or field, or null for any of caption, captions, title, text
   * @param separator the CSV separator, or null for the extension's (',' for .csv, tab for .tsv)
   */
  public static SampleList read(Path manifest, SkipReport skips, String imageKey, String captionKey, Character separator)
      throws IOException {
    String name = manifest.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean json = name.endsWith(".jsonl") || name.endsWith(".json");
    if (!json && !name.endsWith(".csv") && !name.endsWith(".tsv")) {
      throw new IllegalArgumentException(manifest + ": a manifest must end in .jsonl, .csv or .tsv");
    }
    Character sep = json ? null : separator != null ? separator : name.endsWith(".csv") ? Character.valueOf(',') : Character.valueOf('\t');
    Path dir = manifest.toAbsolutePath().getParent();
    List<Parsed> records = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
      String[] header = null;
      String line;
      for (int lineNo = 1; (line = in.readLine()) != null; lineNo++) {
        String where = manifest.getFileName() + ":" + lineNo;
        if (line.isBlank()) continue;
        try {
          JsonNode obj;
          if (sep == null) {
            obj = JSON.readTree(line);
          } else if (header == null) {
            header = CsvLine.split(line, sep);
            checkColumns(manifest, header, imageKey, captionKey);
            continue;
          } else {
            obj = csvRecord(header, CsvLine.split(line, sep));
          }
          RecordFields f = RecordFields.parse(obj, true, imageKey, captionKey);
          if (f.hadCaption() && f.captions().isEmpty()) {
            skips.skip(SkipReport.Reason.EMPTY_CAPTION, where, "image " + f.image());
            continue;
          }
          String id = obj.hasNonNull("id") ? obj.get("id").asText() : f.image();
          records.add(new Parsed(where, id, f));
        } catch (JsonProcessingException e) {
          skips.skip(SkipReport.Reason.MALFORMED_RECORD, where, "not JSON: " + e.getOriginalMessage());
        } catch (RecordFields.Malformed e) {
          skips.skip(SkipReport.Reason.MALFORMED_RECORD, where, e.getMessage());
        }
      }
      if (sep != null && header == null) throw new IllegalArgumentException(manifest + ": empty CSV, expected a header row");
    }
    List<String> classNames = classNames(records);
    List<Sample> samples = new ArrayList<>(records.size());
    for (Parsed r : records) {
      RecordFields f = r.fields();
      int label = f.label() == null ? Sample.NO_LABEL
          : f.label() instanceof Integer n ? n : classNames.indexOf((String) f.label());
      ImageSource image = ImageSource.file(dir.resolve(f.image()));
      samples.add(new Sample(r.id(), image, f.captions(), label, f.boxes(), List.of(), r.where()));
    }
    return new SampleList("manifest " + manifest, samples, classNames);
  }

  private record Parsed(String where, String id, RecordFields fields) {}

  /** A key flag naming a column the header lacks is a user mistake: one line naming the columns there are. */
  private static void checkColumns(Path manifest, String[] header, String imageKey, String captionKey) {
    List<String> columns = java.util.Arrays.stream(header).map(String::strip).toList();
    for (String key : new String[] {imageKey, captionKey}) {
      if (key != null && !columns.contains(key)) {
        throw new IllegalArgumentException(manifest + " has no column '" + key + "'; its columns are " + columns
            + " (check --csv-img-key, --csv-caption-key and --csv-separator)");
      }
    }
  }

  private static List<String> classNames(List<Parsed> records) {
    TreeSet<String> names = new TreeSet<>();
    for (Parsed r : records) if (r.fields().label() instanceof String s) names.add(s);
    return List.copyOf(names);
  }

  /** A CSV row as the JSON object it stands for; a numeric label column becomes an integer. */
  private static JsonNode csvRecord(String[] header, String[] row) throws RecordFields.Malformed {
    if (row.length != header.length) throw new RecordFields.Malformed(row.length + " fields, the header has " + header.length);
    ObjectNode obj = JSON.createObjectNode();
    for (int i = 0; i < header.length; i++) {
      String key = header[i].strip();
      if (key.equals("label") && row[i].strip().matches("\\d+")) obj.put(key, Integer.parseInt(row[i].strip()));
      else if (key.equals("label") && row[i].isBlank()) continue;
      else obj.put(key, row[i]);
    }
    return obj;
  }
}
