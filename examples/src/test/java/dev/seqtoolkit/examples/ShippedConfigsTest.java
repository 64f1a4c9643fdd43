package dev.seqtoolkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seqtoolkit.core.seq2seq.Seq2SeqConfig;
import dev.seqtoolkit.sentiment.SentimentConfig;
import dev.seqtoolkit.summarize.SummarizerConfig;
import dev.seqtoolkit.summarize.abstractive.AbstractiveConfig;
import dev.seqtoolkit.translate.TranslatorConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every config in {@code examples/configs} loads through the class its program reads it with, and
 * says what its name promises; a config added without a check here fails the first test.
 */
class ShippedConfigsTest {
    private static final Path DIR = Path.of("configs");
    private static final Set<String> CHECKED = Set.of(
            "multi30k-en-de-luong-dot.json", "multi30k-en-de-bahdanau-additive.json",
            "sst2-bilstm.json", "sst2-bilstm-pretrained.json", "imdb-han.json",
            "cnndm-summarunner.json", "samsum-pointer-generator.json", "samsum-attention-baseline.json",
            "gigaword-pointer-generator.json");

    @Test
    void everyShippedConfigIsChecked() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            Set<String> names = new TreeSet<>(files.map(f -> f.getFileName().toString()).toList());
            assertEquals(new TreeSet<>(CHECKED), names, "configs in " + DIR.toAbsolutePath());
        }
    }

    @Test
    void translatorConfigsBuildTheirAttention() throws IOException {
        Seq2SeqConfig dot = TranslatorConfig.load(DIR.resolve("multi30k-en-de-luong-dot.json")).modelConfig(100, 120);
        assertEquals(Seq2SeqConfig.AttentionType.DOT, dot.attention());
        assertEquals(Seq2SeqConfig.DecoderStyle.LUONG, dot.decoderStyle());
        Seq2SeqConfig additive = TranslatorConfig.load(DIR.resolve("multi30k-en-de-bahdanau-additive.json"))
                .modelConfig(100, 120);
        assertEquals(Seq2SeqConfig.AttentionType.ADDITIVE, additive.attention());
        assertEquals(Seq2SeqConfig.DecoderStyle.BAHDANAU, additive.decoderStyle());
    }

    @Test
    void sentimentConfigsLoad() throws IOException {
        for (String name : List.of("sst2-bilstm.json", "sst2-bilstm-pretrained.json")) {
            assertEquals(SentimentConfig.Architecture.SENTENCE, SentimentConfig.load(DIR.resolve(name)).architecture(), name);
        }
        SentimentConfig han = SentimentConfig.load(DIR.resolve("imdb-han.json"));
        assertEquals(SentimentConfig.Architecture.HIERARCHICAL, han.architecture());
        assertEquals(6400, han.documentLimits().maxPositions());
    }

    @Test
    void summarizerConfigsLoadWithTheirModes() throws IOException {
        assertEquals(SummarizerConfig.Mode.EXTRACTIVE,
                SummarizerConfig.load(DIR.resolve("cnndm-summarunner.json")).mode());
        AbstractiveConfig.Model pg = abstractive("samsum-pointer-generator.json");
        assertTrue(pg.copy() && pg.coverage(), "pointer-generator with coverage");
        AbstractiveConfig.Model baseline = abstractive("samsum-attention-baseline.json");
        assertFalse(baseline.copy() || baseline.coverage(), "the attention baseline has neither");
        assertEquals(pg.decoderHiddenSize(), baseline.decoderHiddenSize(), "the ablation changes nothing else");
        assertEquals(pg.embeddingSize(), baseline.embeddingSize());
        assertTrue(abstractive("gigaword-pointer-generator.json").copy());
    }

    private static AbstractiveConfig.Model abstractive(String name) throws IOException {
        SummarizerConfig c = SummarizerConfig.load(DIR.resolve(name));
        assertEquals(SummarizerConfig.Mode.ABSTRACTIVE, c.mode(), name);
        return AbstractiveConfig.fromJsonTree(c.abstractive(), name).model();
    }
}
