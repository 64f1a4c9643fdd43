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

    @Test
    void timeMachineLanguageModelGivesItsRecordedContinuation() throws Exception {
        try (TextLanguageModel lm = TextLanguageModel.load(MODELS.resolve("timemachine-lstm"))) {
            assertEquals("time traveller han pustions and my first less mine white but could not rememation but it was yet early in the nigh",
                    lm.generate("time traveller", 100, Sampler.greedy()));
        }
    }
}
