package dev.vlt.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.vlt.data.image.ImageDecoder;
import dev.vlt.data.image.Raster8;
import dev.vlt.eval.Vectors;
import dev.vlt.eval.ZeroShot;
import dev.vlt.index.Hit;
import dev.vlt.index.IndexInfo;
import dev.vlt.index.VectorIndex;
import dev.vlt.infer.Embedder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON endpoints; {@link VltServer} routes to them and documents the contract. */
final class Api {
  static final int MAX_LABELS = 100;
  static final int MAX_TEXT = 1000;
  static final int MAX_TEXTS = 256;
  static final int MAX_K = 100;
  /** Uploads above this many pixels are refused before decoding (a small PNG can declare a huge canvas). */
  static final ImageDecoder.Limits UPLOAD_LIMITS = new ImageDecoder.Limits(8192, 40_000_000L);
  private static final int LABEL_CACHE = 4096;

  private final Embedder embedder;
  private final VectorIndex index; // may be null
  private final Admission admission;
  private final long maxBody;
  private final Thumbnails thumbnails;
  private final String modelName;
  private final Map<String, float[]> labelVectors = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
      return size() > LABEL_CACHE;
    }
  };

  Api(Embedder embedder, VectorIndex index, Admission admission, long maxBody, int thumbSize) {
    this.embedder = embedder;
    this.index = index;
    this.admission = admission;
    this.maxBody = maxBody;
    this.thumbnails = index == null ? null : new Thumbnails(index, thumbSize);
    this.modelName = embedder.model().name();
  }

  /** {@code POST /api/classify?labels=a,b,c} with image bytes as the body. */
  void classify(HttpExchange ex) throws Exception {
    byte[] body = Exchanges.body(ex, maxBody); // first: an error answered before the body is read can reach the client as a reset
    List<String> labels = labels(Exchanges.query(ex).get("labels"));
    Raster8 image = decode(body);
    long t0 = System.nanoTime();
    double[] probs = admission.run(() -> {
      float[][] img = embedder.embedImages(List.of(image));
      float[][] classifier = labelVectors(labels);
      return Vectors.softmax(ZeroShot.logits(img, classifier, embedder.logitScale()))[0];
    });
    Integer[] order = new Integer[labels.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> probs[b] != probs[a] ? Double.compare(probs[b], probs[a]) : Integer.compare(a, b));
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i : order) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("label", labels.get(i));
      m.put("prob", probs[i]);
      out.add(m);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("labels", out);
    answer.put("ms", millis(t0));
    Exchanges.sendJson(ex, 200, answer);
  }

  /**
   * {@code POST /api/segment?labels=a,b,c[&threshold=T]} with image bytes as the body: the label map in the image's own
   * pixels (value = label index + 1, 0 = background) and its overlay, both as PNG data URIs, and each label's pixel
   * fraction. Needs a model with the segmentation capability (PACL, or a CLIP through its patch tokens).
   */
  void segment(HttpExchange ex) throws Exception {
    byte[] body = Exchanges.body(ex, maxBody);
    Map<String, String> q = Exchanges.query(ex);
    List<String> labels = labels(q.get("labels"));
    if (!embedder.model().has(dev.vlt.models.Capability.SEGMENTATION)) {
      throw new HttpError(400, "this model cannot segment images (it has no segmentation capability)");
    }
    double threshold;
    try {
      threshold = q.containsKey("threshold") ? Double.parseDouble(q.get("threshold"))
          : embedder.model().require(dev.vlt.models.Capability.SEGMENTATION).backgroundThreshold();
    } catch (NumberFormatException e) {
      throw new HttpError(400, "threshold must be a number, got '" + q.get("threshold") + "'");
    }
    Raster8 image = decode(body);
    long t0 = System.nanoTime();
    dev.vlt.infer.LabelMap map = admission.run(() -> {
      dev.vlt.infer.Segmenter s = new dev.vlt.infer.Segmenter(embedder.model(), 1);
      return s.segment(image, s.embedLabels(labels), threshold);
    });
    double[] fractions = map.fractions();
    List<Map<String, Object>> out = new ArrayList<>();
    for (int k = 0; k < labels.size(); k++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("label", labels.get(k));
      m.put("value", k + 1);
      m.put("fraction", fractions[k + 1]);
      out.add(m);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("width", map.width());
    answer.put("height", map.height());
    answer.put("background", fractions[0]);
    answer.put("labels", out);
    answer.put("map", dataUri(map.toImage()));
    answer.put("overlay", dataUri(map.overlay(image)));
    answer.put("ms", millis(t0));
    Exchanges.sendJson(ex, 200, answer);
  }

  private static String dataUri(java.awt.image.BufferedImage img) throws IOException {
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", png);
    return "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png.toByteArray());
  }

  private float[][] labelVectors(List<String> labels) {
    List<String> missing;
    synchronized (labelVectors) {
      missing = labels.stream().filter(l -> !labelVectors.containsKey(l)).distinct().toList();
    }
    float[][] fresh = missing.isEmpty() ? new float[0][] : embedder.embedTexts(missing);
    float[][] out = new float[labels.size()][];
    synchronized (labelVectors) {
      for (int i = 0; i < missing.size(); i++) labelVectors.put(missing.get(i), fresh[i]);
      for (int i = 0; i < labels.size(); i++) {
        float[] v = labelVectors.get(labels.get(i));
        out[i] = v != null ? v : fresh[missing.indexOf(labels.get(i))];
      }
    }
    return out;
  }

  static List<String> labels(String param) {
    if (param == null) throw new HttpError(400, "labels missing: POST /api/classify?labels=a%20cat,a%20dog with the image as the body");
    List<String> labels = Arrays.stream(param.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    if (labels.isEmpty()) throw new HttpError(400, "labels must name at least one non-empty label (comma-separated)");
    if (labels.size() > MAX_LABELS) throw new HttpError(400, "at most " + MAX_LABELS + " labels, got " + labels.size());
    for (String l : labels) if (l.length() > MAX_TEXT) throw new HttpError(400, "a label is longer than " + MAX_TEXT + " characters");
    return labels;
  }

  /** {@code GET /api/search?q=TEXT&k=12[&exact=true]}. */
  void searchText(HttpExchange ex) throws Exception {
    Map<String, String> q = Exchanges.query(ex);
    String text = q.getOrDefault("q", "").strip();
    if (text.isEmpty()) throw new HttpError(400, "q must be a non-empty text query");
    if (text.length() > MAX_TEXT) throw new HttpError(400, "q is longer than " + MAX_TEXT + " characters");
    search(ex, q, text, () -> embedder.embedTexts(List.of(text))[0]);
  }

  /** {@code POST /api/search?k=12} with image bytes as the body. */
  void searchImage(HttpExchange ex) throws Exception {
    Map<String, String> q = Exchanges.query(ex);
    Raster8 image = decode(Exchanges.body(ex, maxBody));
    search(ex, q, null, () -> embedder.embedImages(List.of(image))[0]);
  }

  private void search(HttpExchange ex, Map<String, String> q, String text, java.util.concurrent.Callable<float[]> query) throws Exception {
    VectorIndex vi = requireIndex();
    int k = Exchanges.intParam(q, "k", 12, 1, MAX_K);
    boolean exact = Boolean.parseBoolean(q.getOrDefault("exact", "false"));
    long t0 = System.nanoTime();
    List<Hit> hits = admission.run(() -> vi.search(query.call(), k, exact));
    List<Map<String, Object>> results = new ArrayList<>();
    for (Hit h : hits) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", h.id());
      m.put("name", h.name());
      m.put("caption", h.caption());
      m.put("metadata", h.metadata());
      m.put("score", h.score());
      m.put("thumb", "/api/thumb?id=" + h.id());
      results.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("query", text);
    out.put("k", k);
    out.put("exact", exact);
    out.put("results", results);
    out.put("ms", millis(t0));
    Exchanges.sendJson(ex, 200, out);
  }

  /**
   * {@code POST /api/embed}: a JSON body {@code {"texts": [...]}} embeds texts; any other body is an image.
   * Answers {@code {"embeddings": [[...]], "dim": E}}, L2-normalised, in input order.
   */
  void embed(HttpExchange ex) throws Exception {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    float[][] v;
    if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      List<String> texts = texts(Exchanges.body(ex, maxBody));
      v = admission.run(() -> embedder.embedTexts(texts));
    } else {
      Raster8 image = decode(Exchanges.body(ex, maxBody));
      v = admission.run(() -> embedder.embedImages(List.of(image)));
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("embeddings", v);
    answer.put("dim", v[0].length);
    Exchanges.sendJson(ex, 200, answer);
  }

  private static List<String> texts(byte[] body) {
    JsonNode n;
    try {
      n = Exchanges.JSON.readTree(body);
    } catch (IOException e) {
      throw new HttpError(400, "body is not JSON: expected {\"texts\": [\"...\"]}");
    }
    JsonNode arr = n == null ? null : n.get("texts");
    if (arr == null || !arr.isArray() || arr.isEmpty()) throw new HttpError(400, "expected {\"texts\": [\"...\"]} with at least one text");
    if (arr.size() > MAX_TEXTS) throw new HttpError(400, "at most " + MAX_TEXTS + " texts per request, got " + arr.size());
    List<String> out = new ArrayList<>();
    for (JsonNode t : arr) {
      if (!t.isTextual()) throw new HttpError(400, "texts must be strings, found " + t.getNodeType().name().toLowerCase());
      if (t.asText().length() > MAX_TEXT) throw new HttpError(400, "a text is longer than " + MAX_TEXT + " characters");
      out.add(t.asText());
    }
    return out;
  }

  /** {@code GET /api/health}. */
  void health(HttpExchange ex) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", "ok");
    out.put("model", modelName);
    out.put("dim", embedder.embedDim());
    if (index != null) {
      IndexInfo info = index.info();
      out.put("index", Map.of("count", info.count(), "dim", info.dim()));
    } else {
      out.put("index", null);
    }
    out.put("in_flight", admission.inFlight());
    out.put("capacity", admission.capacity());
    Exchanges.sendJson(ex, 200, out);
  }

  /** {@code GET /api/thumb?id=ID}: a PNG of at most the thumbnail size. */
  void thumb(HttpExchange ex) throws IOException {
    requireIndex();
    byte[] png = thumbnails.png(Exchanges.query(ex).getOrDefault("id", ""));
    Exchanges.send(ex, 200, "image/png", png);
  }

  private VectorIndex requireIndex() {
    if (index == null) throw new HttpError(404, "no index loaded: start the server with --index INDEX_DIR");
    return index;
  }

  /** The uploaded bytes as an image, or 400 naming what is wrong with them. */
  private static Raster8 decode(byte[] body) {
    try {
      return ImageDecoder.decode(body, "upload", UPLOAD_LIMITS);
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, e.getMessage());
    }
  }

  private static double millis(long t0) {
    return Math.round((System.nanoTime() - t0) / 1e4) / 100.0;
  }
}
