package dev.seqtoolkit.examples;

import dev.seqtoolkit.core.lm.Sampler;
import dev.seqtoolkit.core.lm.TextLanguageModel;
import dev.seqtoolkit.translate.Translator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The models shipped in models/ must keep loading and keep giving the outputs recorded when they were
 * trained, on both engines: a change to a layer, the bundle format or the search that alters them
 * fails here.
 */
class ShippedModelsTest {
    private static final Path MODELS = Path.of("..", "models");

    @Test
    void englishGermanTranslatorGivesItsRecordedTranslations() throws Exception {
        try (Translator translator = Translator.load(MODELS.resolve("en-de"))) {
            assertEquals(List.of("Ein Mann fährt auf einem Fahrrad die Straße hinunter.", "Zwei Hunde spielen im Schnee."),
                    translator.withDecoding(translator.config().decoding().withBeamSize(5))
                            .translate(List.of("A man is riding a bike down the street.", "Two dogs are playing in the snow.")));
            assertEquals("", translator.translate(""));
        }
    }

    /**
     * The shipped model exported to ONNX (gate tables, Scan encoder) must translate as on DJL, greedy
     * and beam 5, with each 5-best hypothesis's log-probability within 1e-4 per token of DJL's.
     */
    @Test
    void englishGermanOnnxExportTranslatesAsOnDjl(@org.junit.jupiter.api.io.TempDir Path temp) throws Exception {
        Path dir = temp.resolve("en-de-onnx");
        List<String> sentences = List.of("A man is riding a bike down the street.", "Two dogs are playing in the snow.",
                "A little girl in a pink dress climbs the stairs of a wooden playhouse.",
                "Three people sit on a bench near the water, looking at the boats.", "Xylophones!", "a");
        try (Translator djl = Translator.load(MODELS.resolve("en-de"))) {
            djl.exportOnnx(dir);
            try (Translator ort = Translator.load(dir)) {
                assertEquals(djl.translate(sentences), ort.translate(sentences), "greedy");
                Translator djl5 = djl.withDecoding(djl.config().decoding().withBeamSize(5));
                Translator ort5 = ort.withDecoding(ort.config().decoding().withBeamSize(5));
                for (String s : sentences) {
                    List<dev.seqtoolkit.translate.Translation> a = djl5.translateNBest(s, 5);
                    List<dev.seqtoolkit.translate.Translation> b = ort5.translateNBest(s, 5);
                    assertEquals(a.size(), b.size(), s);
                    for (int i = 0; i < a.size(); i++) {
                        assertEquals(a.get(i).subwords(), b.get(i).subwords(), s + ", hypothesis " + i);
                        assertEquals(a.get(i).logProb(), b.get(i).logProb(), 1e-4 * (a.get(i).subwords().size() + 1),
                                s + ", hypothesis " + i);
                    }
                }
            }
        }
    }

    @Test
    void timeMachineLanguageModelGivesItsRecordedContinuation() throws Exception {
        try (TextLanguageModel lm = TextLanguageModel.load(MODELS.resolve("timemachine-lstm"))) {
            assertEquals("time traveller han pustions and my first less mine white but could not rememation but it was yet early in the nigh",
                    lm.generate("time traveller", 100, Sampler.greedy()));
        }
    }
}
