package dev.seqtoolkit.core.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqtoolkit.core.engine.Engines;
import dev.seqtoolkit.core.io.ModelBundle;
import dev.seqtoolkit.core.io.Provenance;
import dev.seqtoolkit.core.loss.CrossEntropy;
import dev.seqtoolkit.core.nn.RecurrentState;
import dev.seqtoolkit.core.text.CharTokenizer;
import dev.seqtoolkit.core.text.EncodeStats;
import dev.seqtoolkit.core.text.Tokenizer;
import dev.seqtoolkit.core.text.Vocabulary;
import dev.seqtoolkit.core.text.WhitespaceTokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A trained language model ready for use: tokenizer, vocabulary and network together. Generates
 * continuations, scores text by perplexity, and saves to or loads from a {@link ModelBundle}.
 *
 * <p>Generation runs on the host CPU ({@link HostLanguageModel}) for the standard cells and on the
 * explicit cells through the engine for gate variants; a fused block is never called per token.
 * Generation and scoring are safe from many threads (each call owns its state).
 */
public final class TextLanguageModel implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String VOCABULARY = "tokens";
    private static final String TASK = "language-model";

    /** How text becomes tokens. */
    public enum TokenizerKind {
        /** The textbook's Time Machine preprocessing: lowercase letters and single spaces. */
        LETTERS_AND_SPACE,
        /** Every character as typed. */
        CHARACTERS,
        /** Whitespace-separated words, one {@code <eos>} after each line (the PTB convention). */
        WORDS;

        Tokenizer tokenizer() {
            switch (this) {
                case LETTERS_AND_SPACE:
                    return CharTokenizer.lettersAndSpace();
                case CHARACTERS:
                    return CharTokenizer.keepAll();
                case WORDS:
                    return WhitespaceTokenizer.create();
                default:
                    throw new AssertionError(this);
            }
        }

        /**
         * Turns text into ids of {@code vocabulary}; unknown tokens become {@code <unk>} and are
         * counted in {@code stats} (may be null). Word models add {@code <eos>} after every line.
         */
        public int[] encode(Vocabulary vocabulary, String text, EncodeStats stats) {
            Tokenizer tokenizer = tokenizer();
            if (this != WORDS) {
                return vocabulary.encode(tokenizer.tokenize(text), stats);
            }
            List<String> tokens = new ArrayList<>();
            for (String line : text.split("\r\n|\r|\n")) {
                List<String> words = tokenizer.tokenize(line);
                if (!words.isEmpty()) {
                    tokens.addAll(words);
                    tokens.add(Vocabulary.EOS);
                }
            }
            return vocabulary.encode(tokens, stats);
        }

        /** Renders ids of {@code vocabulary} as text: words joined by spaces, characters by nothing. */
        public String decode(Vocabulary vocabulary, int[] ids) {
            List<String> tokens = vocabulary.decode(ids, false);
            return this == WORDS ? String.join(" ", tokens) : String.join("", tokens);
        }
    }

    private final TokenizerKind tokenizerKind;
    private final Vocabulary vocabulary;
    private final NDManager manager;
    private final LanguageModel model;
    private volatile HostLanguageModel host;

    private TextLanguageModel(TokenizerKind kind, Vocabulary vocabulary, LanguageModel model, NDManager manager) {
        this.tokenizerKind = kind;
        this.vocabulary = vocabulary;
        this.model = model;
        this.manager = manager;
    }

    /** A new model with freshly initialised weights on the configured engine. */
    public static TextLanguageModel create(TokenizerKind kind, Vocabulary vocabulary, LanguageModelConfig config) {
        if (config.vocabSize() != vocabulary.size()) {
            throw new IllegalArgumentException("Config vocabSize " + config.vocabSize()
                    + " differs from the vocabulary's " + vocabulary.size() + " tokens");
        }
        NDManager manager = Engines.newManager();
        try {
            LanguageModel model = new LanguageModel(config);
            model.setInitializer(new XavierInitializer(), ai.djl.nn.Parameter.Type.WEIGHT);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            return new TextLanguageModel(kind, vocabulary, model, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public TokenizerKind tokenizerKind() {
        return tokenizerKind;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public LanguageModel model() {
        return model;
    }

    NDManager manager() {
        return manager;
    }

    /**
     * Turns text into token ids; tokens outside the vocabulary become {@code <unk>} and are counted
     * in {@code stats} (may be null). Word models add {@code <eos>} after every line.
     */
    public int[] encode(String text, EncodeStats stats) {
        return tokenizerKind.encode(vocabulary, text, stats);
    }

    /** Renders token ids as text. */
    public String decode(int[] ids) {
        return tokenizerKind.decode(vocabulary, ids);
    }

    /** Called after the weights changed (training, loading) so generation sees the new ones. */
    void weightsChanged() {
        host = null;
    }

    private HostLanguageModel host() {
        HostLanguageModel h = host;
        if (h == null) {
            synchronized (this) {
                h = host;
                if (h == null) {
                    h = HostLanguageModel.of(model);
                    host = h;
                }
            }
        }
        return h;
    }

    /**
     * Continues {@code prefix} by {@code count} tokens chosen by {@code sampler}; returns the
     * prefix as the tokenizer sees it followed by the continuation.
     */
    public String generate(String prefix, int count, Sampler sampler) {
        if (count < 0) {
            throw new IllegalArgumentException("Token count must not be negative, got " + count);
        }
        int[] prefixIds = encode(prefix, null);
        if (prefixIds.length == 0) {
            throw new IllegalArgumentException("The prefix '" + prefix + "' has no tokens after preprocessing");
        }
        int[] generated = model.config().isVariant()
                ? generateOnEngine(prefixIds, count, sampler)
                : generateOnHost(prefixIds, count, sampler);
        int[] all = new int[prefixIds.length + generated.length];
        System.arraycopy(prefixIds, 0, all, 0, prefixIds.length);
        System.arraycopy(generated, 0, all, prefixIds.length, generated.length);
        return decode(all);
    }

    /** Token ids following {@code prefixIds}, computed on the host CPU. */
    public int[] generateOnHost(int[] prefixIds, int count, Sampler sampler) {
        HostLanguageModel.Stream stream = host().newStream();
        float[] logits = null;
        for (int id : prefixIds) {
            logits = stream.step(id);
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            int next = sampler.next(logits, logits.length);
            out[i] = next;
            if (i + 1 < count) {
                logits = stream.step(next);
            }
        }
        return out;
    }

    /**
     * Token ids following {@code prefixIds}, computed through the engine one step at a time: the
     * prefix in one call, then one call of the model per token (used for gate variants, which run
     * on explicit cells).
     */
    public int[] generateOnEngine(int[] prefixIds, int count, Sampler sampler) {
        ParameterStore ps = new ParameterStore(manager, false);
        int[] out = new int[count];
        try (NDManager scope = manager.newSubManager()) {
            NDArray tokens = scope.create(prefixIds, new Shape(1, prefixIds.length));
            LanguageModel.LanguageModelOutput step = model.forward(ps, tokens, null, false);
            RecurrentState state = step.state();
            float[] logits = lastLogits(step.logits());
            for (int i = 0; i < count; i++) {
                int next = sampler.next(logits, logits.length);
                out[i] = next;
                if (i + 1 == count) {
                    break;
                }
                try (NDManager stepScope = scope.newSubManager()) {
                    NDArray token = stepScope.create(new int[] {next}, new Shape(1, 1));
                    state.h().tempAttach(stepScope);
                    if (state.c() != null) {
                        state.c().tempAttach(stepScope);
                    }
                    LanguageModel.LanguageModelOutput o = model.forward(ps, token, state, false);
                    logits = lastLogits(o.logits());
                    o.state().h().attach(scope);
                    if (o.state().c() != null) {
                        o.state().c().attach(scope);
                    }
                    state = o.state();
                }
            }
        }
        return out;
    }

    private static float[] lastLogits(NDArray logits) {
        long time = logits.getShape().get(1);
        return logits.get(0, time - 1).toFloatArray();
    }

    /**
     * Perplexity of a token stream, read as {@code batchSize} contiguous streams with the state
     * carried across windows of {@code numSteps}; every token after the first of each stream is
     * predicted once. Deterministic.
     */
    public double perplexity(int[] ids, int batchSize, int numSteps) {
        if (batchSize <= 0 || numSteps <= 0) {
            throw new IllegalArgumentException(
                    "batchSize and numSteps must be positive, got " + batchSize + " and " + numSteps);
        }
        int streamLength = (ids.length - 1) / batchSize;
        if (streamLength < 1) {
            throw new IllegalArgumentException("A text of " + ids.length + " tokens is too short for "
                    + batchSize + " streams; it needs at least " + (batchSize + 1));
        }
        ParameterStore ps = new ParameterStore(manager, false);
        double nll = 0;
        long count = 0;
        try (NDManager scope = manager.newSubManager()) {
            RecurrentState state = null;
            for (int start = 0; start < streamLength; start += numSteps) {
                int steps = Math.min(numSteps, streamLength - start);
                int[] x = new int[batchSize * steps];
                int[] y = new int[batchSize * steps];
                for (int r = 0; r < batchSize; r++) {
                    int base = r * streamLength + start;
                    System.arraycopy(ids, base, x, r * steps, steps);
                    System.arraycopy(ids, base + 1, y, r * steps, steps);
                }
                try (NDManager step = scope.newSubManager()) {
                    if (state != null) {
                        state.h().tempAttach(step);
                        if (state.c() != null) {
                            state.c().tempAttach(step);
                        }
                    }
                    NDArray xs = step.create(x, new Shape(batchSize, steps));
                    NDArray ys = step.create(y, new Shape(batchSize, steps));
                    LanguageModel.LanguageModelOutput out = model.forward(ps, xs, state, false);
                    nll += CrossEntropy.plain().sum(out.logits(), ys, null).getFloat();
                    count += x.length;
                    out.state().h().attach(scope);
                    if (out.state().c() != null) {
                        out.state().c().attach(scope);
                    }
                    state = out.state();
                }
            }
        }
        return Math.exp(nll / count);
    }

    /** Writes config, vocabulary, parameters and provenance to a bundle directory. */
    public void save(Path directory, Provenance provenance) throws IOException {
        ModelBundle.builder()
                .setConfig(configJson())
                .setBlock(model)
                .setProvenance(provenance)
                .addVocabulary(VOCABULARY, vocabularyJson())
                .save(directory);
    }

    /** The bundle's config document: task, tokenizer and architecture. */
    public ObjectNode configJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("task", TASK);
        node.put("tokenizer", tokenizerKind.name().toLowerCase(Locale.ROOT));
        node.set("model", JSON.valueToTree(model.config()));
        return node;
    }

    private byte[] vocabularyJson() throws IOException {
        Path temp = java.nio.file.Files.createTempFile("vocabulary", ".json");
        try {
            vocabulary.save(temp);
            return java.nio.file.Files.readAllBytes(temp);
        } finally {
            java.nio.file.Files.deleteIfExists(temp);
        }
    }

    /** Loads a bundle written by {@link #save}; fails naming the file and the problem. */
    public static TextLanguageModel load(Path directory) throws IOException {
        ModelBundle bundle = ModelBundle.load(directory);
        JsonNode config = bundle.config();
        String source = directory.resolve(ModelBundle.CONFIG).toString();
        if (!TASK.equals(config.path("task").asText())) {
            throw new IOException(source + ": not a language model (task is '" + config.path("task").asText() + "')");
        }
        TokenizerKind kind;
        try {
            kind = TokenizerKind.valueOf(config.path("tokenizer").asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": unknown tokenizer '" + config.path("tokenizer").asText() + "'", e);
        }
        LanguageModelConfig modelConfig;
        try {
            modelConfig = JSON.treeToValue(config.path("model"), LanguageModelConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(source + ": invalid model config: " + e.getMessage(), e);
        }
        Path vocabularyFile = directory.resolve(ModelBundle.vocabularyFileName(VOCABULARY));
        Vocabulary vocabulary = Vocabulary.load(vocabularyFile);
        TextLanguageModel lm = create(kind, vocabulary, modelConfig);
        try {
            bundle.loadParameters(lm.model, lm.manager);
        } catch (IOException | RuntimeException e) {
            lm.close();
            throw e;
        }
        return lm;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        manager.close();
    }
}
