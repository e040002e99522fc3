package dev.vlt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.Models;
import dev.vlt.tokenize.Tokenizer;
import dev.vlt.tokenize.TokenizerSpec;
import dev.vlt.tokenize.Tokenizers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vlt tokenize}: the model-input ids of each text, one JSON line per text. */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    modelTransformer = TokenizeCommand.TextsAsTyped.class,
    description = {"Print the token ids a model sees for each TEXT, one JSON line per text: {\"text\": ..., \"ids\": [...]}.",
        "The ids are the full context-length row (start, content, end, padding), as open_clip.tokenize gives them."})
public final class TokenizeCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL_DIR", description = "Model folder (open_clip layout); its tokenizer files and context length are used.")
  Path model;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer to use instead: a CLIP merges file (.gz/.txt), tokenizer.json, or a folder with vocab.json + merges.txt.")
  Path tokenizer;

  @Parameters(paramLabel = "TEXT", arity = "1..*", description = "Texts to tokenize (use -- before a text that equals an option name).")
  List<String> texts;

  /** Texts such as "-42" or "@user" are texts, not options or @-files. */
  static final class TextsAsTyped implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
      spec.parser().unmatchedOptionsArePositionalParams(true).expandAtFiles(false);
      return spec;
    }
  }

  @Override
  public Integer call() throws IOException {
    TokenizerSpec spec = Models.folderConfig(model).tokenizerSpec();
    if (spec == null) throw new IllegalArgumentException(model + " is a model that reads no text, so it has no tokenizer");
    Tokenizer t = Tokenizers.resolve(model, spec, tokenizer, model.toString());
    long[][] rows = t.tokenize(texts);
    ObjectMapper json = new ObjectMapper();
    PrintStream out = System.out;
    for (int i = 0; i < rows.length; i++) {
      ObjectNode line = json.createObjectNode().put("text", texts.get(i));
      ArrayNode ids = line.putArray("ids");
      for (long id : rows[i]) ids.add(id);
      // bytes, not chars: the JSON stays UTF-8 whatever the platform's default charset
      out.write((json.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    out.flush();
    if (t instanceof AutoCloseable c) closeQuietly(c);
    return 0;
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // native tokenizer memory is released at exit anyway
    }
  }
}
