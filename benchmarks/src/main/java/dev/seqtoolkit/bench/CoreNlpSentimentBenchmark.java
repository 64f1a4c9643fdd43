package dev.seqtoolkit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.data.DataDirectory;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.AtomicFiles;
import dev.seqtoolkit.core.io.RunInfo;
import dev.seqtoolkit.sentiment.Evaluation;
import dev.seqtoolkit.sentiment.LabeledFiles;
import dev.seqtoolkit.sentiment.LabeledText;
import dev.seqtoolkit.sentiment.TextClassifier;
import edu.stanford.nlp.ling.CoreAnnotations;
import edu.stanford.nlp.neural.rnn.RNNCoreAnnotations;
import edu.stanford.nlp.pipeline.Annotation;
import edu.stanford.nlp.pipeline.StanfordCoreNLP;
import edu.stanford.nlp.sentiment.SentimentCoreAnnotations;
import edu.stanford.nlp.trees.Tree;
import edu.stanford.nlp.util.CoreMap;
import org.ejml.simple.SimpleMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * Stanford CoreNLP's sentiment annotator (the recursive neural tensor network of Socher et al. 2013,
 * over the PCFG parser's binarized trees) beside a toolkit classifier on the same labelled binary
 * sentences, one JSON line with both accuracies and sentences/s.
 *
 * <p>CoreNLP predicts five classes at the root; the binary decision compares the summed
 * probabilities of the two negative classes with the two positive ones (neutral ignored), the usual
 * way its five-class model is scored on binary data. The text is already tokenized, so CoreNLP
 * splits on whitespace and treats each line as one sentence. Its models come from the {@code
 * stanford-corenlp} {@code models} jar, which only the {@code corenlp-sentiment} Maven profile of
 * this module adds ({@code benchmarks/bench.sh corenlp-sentiment} activates it).
 */
@Command(name = "corenlp-sentiment", mixinStandardHelpOptions = true,
        description = "CoreNLP's sentiment annotator and a toolkit classifier on the same SST-2 sentences.")
public final class CoreNlpSentimentBenchmark implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A toolkit sentiment classifier (bundle or ONNX export).")
    Path model;
    @Option(names = "--data-dir", description = "Data directory (default: -Dtoolkit.data, $TOOLKIT_DATA or ../shared/datasets).")
    Path dataDir;
    @Option(names = "--test", defaultValue = "sst2/stsa.binary.dev", description = "Labelled file (default: ${DEFAULT-VALUE}).")
    String test;
    @Option(names = "--limit", description = "Only the first N sentences.")
    Integer limit;
    @Option(names = "--result", description = "Also write the JSON line to this file.")
    Path result;

    @Override
    public Integer call() throws IOException {
        DataDirectory data = dataDir != null ? DataDirectory.of(dataDir) : DataDirectory.resolve();
        Path file = data.require(test);
        List<LabeledText> examples = LabeledFiles.read(file, LabeledFiles.Format.AUTO, List.of("0", "1"));
        if (limit != null) {
            examples = examples.subList(0, Math.min(limit, examples.size()));
        }
        ObjectNode line = new ObjectMapper().createObjectNode();
        line.put("case", "sst2_corenlp_side_by_side");
        line.put("dataset", "sst2");
        line.put("split", "dev");
        line.put("sentences", examples.size());

        Properties props = new Properties();
        props.setProperty("annotators", "tokenize,ssplit,parse,sentiment");
        props.setProperty("tokenize.whitespace", "true");
        props.setProperty("ssplit.isOneSentence", "true");
        props.setProperty("parse.binaryTrees", "true");
        StanfordCoreNLP pipeline = new StanfordCoreNLP(props);
        pipeline.annotate(new Annotation("a fine warm-up sentence ."));
        int correct = 0;
        long c0 = System.nanoTime();
        for (LabeledText e : examples) {
            Annotation doc = new Annotation(e.text());
            pipeline.annotate(doc);
            CoreMap sentence = doc.get(CoreAnnotations.SentencesAnnotation.class).get(0);
            Tree tree = sentence.get(SentimentCoreAnnotations.SentimentAnnotatedTree.class);
            SimpleMatrix p = RNNCoreAnnotations.getPredictions(tree);
            double negative = p.get(0) + p.get(1);
            double positive = p.get(3) + p.get(4);
            String label = positive > negative ? "1" : "0";
            correct += label.equals(e.label()) ? 1 : 0;
        }
        double coreSeconds = (System.nanoTime() - c0) / 1e9;
        ObjectNode core = line.putObject("corenlp");
        core.put("engine", "corenlp-4.5.10 sentiment (RNTN, PCFG parser)");
        core.put("accuracy", (double) correct / examples.size());
        core.put("sents_per_s", CharLmBenchmark.round(examples.size() / coreSeconds));

        try (TextClassifier classifier = TextClassifier.load(model)) {
            classifier.evaluate(examples.subList(0, Math.min(64, examples.size()))); // warm-up
            Evaluation ev = classifier.evaluate(examples);
            ObjectNode toolkit = line.putObject("toolkit");
            toolkit.put("engine", "toolkit-" + Engines.configuredName().toLowerCase(Locale.ROOT));
            toolkit.put("model", model.toString());
            toolkit.put("accuracy", ev.accuracy());
            toolkit.put("macro_f1", ev.macroF1());
            toolkit.put("sents_per_s", CharLmBenchmark.round(ev.textsPerSecond()));
        }
        line.setAll(RunInfo.describe("bench corenlp-sentiment --model " + model + " --test " + test
                + (limit != null ? " --limit " + limit : "")));
        line.put("pytorch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        System.out.println(line);
        if (result != null) {
            AtomicFiles.writeJson(result, line);
        }
        return 0;
    }
}
