package dev.vlt.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The 15 scikit-image photos ({@code shared/data/photos-skimage}) with their captions; labels index the sorted label names. */
public final class SkimagePhotos {
  private SkimagePhotos() {}

  public static SampleList read(Path dir) throws IOException {
    ZipImages images = new ZipImages(dir.resolve("photos.zip"));
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("captions.jsonl"), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) rows.add(json.readTree(line));
    }
    TreeSet<String> labels = new TreeSet<>();
    for (JsonNode r : rows) labels.add(r.get("label").asText());
    List<String> names = List.copyOf(labels);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonNode r = rows.get(i);
      String file = r.get("file").asText();
      samples.add(Sample.of(file, images.image(file), List.of(r.get("caption").asText()), names.indexOf(r.get("label").asText()),
          "captions.jsonl:" + (i + 1)));
    }
    return new SampleList("skimage photos", samples, names);
  }
}
