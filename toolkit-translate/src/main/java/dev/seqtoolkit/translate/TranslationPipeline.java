package dev.seqtoolkit.translate;

import dev.seqtoolkit.core.text.BytePairEncoding;
import dev.seqtoolkit.core.text.CoreNlpTokenizer;
import dev.seqtoolkit.core.text.Tokenizer;
import dev.seqtoolkit.core.text.Vocabulary;
import dev.seqtoolkit.core.text.VocabularyBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Text to ids and back for one language pair.
 *
 * <p>Source: text → CoreNLP tokens (lowercased if configured) → BPE subwords → source ids. Target:
 * ids → subwords (stopping at {@code <eos>}, dropping {@code <pad>}/{@code <bos>}) → BPE removed →
 * detokenized text. BPE is joint (one set of merges learned on both languages) or separate (one per
 * language); the vocabularies are always one per language.
 *
 * <p>A word that ends in BPE's continuation marker {@code @@} cannot be segmented reversibly and
 * becomes {@code <unk>}; so do subwords missing from the vocabulary (unseen characters). With
 * unknown-word replacement (Luong et al. 2015, applied to subwords), an output {@code <unk>} becomes
 * the source subword that received the most attention at that step, continuation marker included,
 * so that a word of unseen characters copied piece by piece joins up again when BPE is removed; a
 * source word that was {@code <unk>} as a whole is copied as typed.
 *
 * <p>Immutable and thread-safe (the tokenizer and BPE are).
 */
public final class TranslationPipeline {

    /**
     * A source sentence prepared for the model.
     *
     * @param words the CoreNLP tokens (lowercased if configured)
     * @param subwords the BPE pieces, {@code <unk>} for words that cannot be segmented
     * @param wordOfSubword for each subword, the index of its word
     * @param ids the source ids, one per subword
     */
    public record EncodedSource(List<String> words, List<String> subwords, int[] wordOfSubword, int[] ids) {
        /** Copies the lists. */
        public EncodedSource {
            words = List.copyOf(words);
            subwords = List.copyOf(subwords);
        }

        /** @return true if the sentence has no tokens */
        public boolean isEmpty() {
            return ids.length == 0;
        }
    }

    private final Tokenizer tokenizer;
    private final boolean lowercase;
    private final BytePairEncoding sourceBpe;
    private final BytePairEncoding targetBpe;
    private final Vocabulary sourceVocabulary;
    private final Vocabulary targetVocabulary;
    private final int maxSourceTokens;

    private TranslationPipeline(Builder b) {
        this.lowercase = b.lowercase;
        this.tokenizer = b.tokenizer != null ? b.tokenizer : CoreNlpTokenizer.builder().optLowercase(lowercase).build();
        this.sourceBpe = b.sourceBpe;
        this.targetBpe = b.targetBpe;
        this.sourceVocabulary = b.sourceVocabulary;
        this.targetVocabulary = b.targetVocabulary;
        this.maxSourceTokens = b.maxSourceTokens;
    }

    /** @return a builder; the BPE encodings and vocabularies are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Learns BPE and vocabularies from parallel training text.
     *
     * @param sourceLines the source side, one sentence per line
     * @param targetLines the target side
     * @param settings merges, joint or separate BPE, case, vocabulary limits, length limit
     * @return the pipeline
     */
    public static TranslationPipeline learn(List<String> sourceLines, List<String> targetLines,
            TranslatorConfig.Pipeline settings) {
        CoreNlpTokenizer tokenizer = CoreNlpTokenizer.builder().optLowercase(settings.lowercase()).build();
        List<List<String>> src = tokenizeAll(tokenizer, sourceLines);
        List<List<String>> tgt = tokenizeAll(tokenizer, targetLines);
        BytePairEncoding srcBpe;
        BytePairEncoding tgtBpe;
        if (settings.joint()) {
            List<List<String>> both = new ArrayList<>(src);
            both.addAll(tgt);
            srcBpe = BytePairEncoding.learn(both, settings.merges());
            tgtBpe = srcBpe;
        } else {
            srcBpe = BytePairEncoding.learn(src, settings.merges());
            tgtBpe = BytePairEncoding.learn(tgt, settings.merges());
        }
        Vocabulary srcVocab = vocabulary(src, srcBpe, settings);
        Vocabulary tgtVocab = vocabulary(tgt, tgtBpe, settings);
        return builder().setSourceBpe(srcBpe).setTargetBpe(tgtBpe).setSourceVocabulary(srcVocab)
                .setTargetVocabulary(tgtVocab).optLowercase(settings.lowercase())
                .optMaxSourceTokens(settings.maxSourceTokens()).optTokenizer(tokenizer).build();
    }

    private static List<List<String>> tokenizeAll(Tokenizer tokenizer, List<String> lines) {
        List<List<String>> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            out.add(tokenizer.tokenize(line));
        }
        return out;
    }

    private static Vocabulary vocabulary(List<List<String>> sentences, BytePairEncoding bpe,
            TranslatorConfig.Pipeline settings) {
        VocabularyBuilder builder = Vocabulary.builder().optMinCount(settings.vocabMinCount());
        if (settings.vocabMaxSize() > 0) {
            builder.optMaxSize(settings.vocabMaxSize());
        }
        for (List<String> words : sentences) {
            builder.add(segment(bpe, words, null));
        }
        return builder.build();
    }

    /** BPE pieces of {@code words}; a word BPE cannot segment reversibly becomes {@code <unk>}. */
    private static List<String> segment(BytePairEncoding bpe, List<String> words, int[] wordOfSubword) {
        List<String> out = new ArrayList<>(words.size() * 2);
        for (int w = 0; w < words.size(); w++) {
            String word = words.get(w);
            List<String> pieces = word.endsWith(BytePairEncoding.CONTINUATION)
                    ? List.of(Vocabulary.UNK)
                    : bpe.apply(List.of(word));
            for (String piece : pieces) {
                if (wordOfSubword != null) {
                    wordOfSubword[out.size()] = w;
                }
                out.add(piece);
            }
        }
        return out;
    }

    /** @return the tokens of {@code text} (lowercased if configured) */
    public List<String> words(String text) {
        return tokenizer.tokenize(Objects.requireNonNull(text, "text"));
    }

    /**
     * Prepares a source sentence.
     *
     * @param text one sentence; empty or blank text gives an empty result
     * @return words, subwords and ids
     * @throws SourceTooLongException if it has more than {@link #maxSourceTokens()} subwords
     */
    public EncodedSource encodeSource(String text) {
        List<String> words = words(text);
        int[] wordOf = new int[countPieces(words)];
        List<String> subwords = segment(sourceBpe, words, wordOf);
        if (subwords.size() > maxSourceTokens) {
            throw new SourceTooLongException(subwords.size(), maxSourceTokens);
        }
        return new EncodedSource(words, subwords, wordOf, sourceVocabulary.encode(subwords));
    }

    private int countPieces(List<String> words) {
        int n = 0;
        for (String word : words) {
            n += word.endsWith(BytePairEncoding.CONTINUATION) ? 1 : sourceBpe.apply(List.of(word)).size();
        }
        return n;
    }

    /** @return the target ids {@code y} (no {@code <bos>}/{@code <eos>}) of a reference sentence, for training */
    public int[] encodeTarget(String text) {
        return targetVocabulary.encode(targetSubwords(text));
    }

    /** @return the target BPE pieces of a reference sentence */
    public List<String> targetSubwords(String text) {
        return segment(targetBpe, words(text), null);
    }

    /** @return the source BPE pieces of a sentence, without the length check */
    public List<String> sourceSubwords(String text) {
        return segment(sourceBpe, words(text), null);
    }

    /**
     * The output subwords of decoded ids: stops at {@code <eos>}, drops {@code <pad>} and
     * {@code <bos>}; with {@code source} and {@code attention} given, each {@code <unk>} becomes the
     * source subword that got the most attention at that step (the whole word if that subword is
     * itself {@code <unk>}).
     *
     * @param ids the decoded ids
     * @param attention per step, the attention over the source positions; or {@code null}
     * @param source the source the ids translate; or {@code null} for no replacement
     * @return the subwords
     */
    public List<String> targetPieces(int[] ids, float[][] attention, EncodedSource source) {
        List<String> pieces = new ArrayList<>(ids.length);
        for (int step = 0; step < ids.length; step++) {
            int id = ids[step];
            if (id == Vocabulary.EOS_ID) {
                break;
            }
            if (id == Vocabulary.PAD_ID || id == Vocabulary.BOS_ID) {
                continue;
            }
            String piece = targetVocabulary.token(id);
            if (id == Vocabulary.UNK_ID && source != null && attention != null && step < attention.length) {
                int position = argMax(attention[step], source.subwords().size());
                if (position >= 0) {
                    String copied = source.subwords().get(position);
                    piece = copied.equals(Vocabulary.UNK) ? source.words().get(source.wordOfSubword()[position]) : copied;
                }
            }
            pieces.add(piece);
        }
        return pieces;
    }

    /** @return the detokenized text of output subwords; a dangling continuation marker is dropped */
    public String detokenize(List<String> pieces) {
        List<String> fixed = new ArrayList<>(pieces);
        int last = fixed.size() - 1;
        if (last >= 0 && fixed.get(last).endsWith(BytePairEncoding.CONTINUATION)) {
            String piece = fixed.get(last);
            fixed.set(last, piece.substring(0, piece.length() - BytePairEncoding.CONTINUATION.length()));
        }
        fixed.removeIf(String::isEmpty);
        return tokenizer.detokenize(BytePairEncoding.remove(fixed));
    }

    /** @return the text of decoded ids, without unknown-word replacement */
    public String decodeTarget(int[] ids) {
        return detokenize(targetPieces(ids, null, null));
    }

    private static int argMax(float[] row, int length) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < Math.min(length, row == null ? 0 : row.length); i++) {
            if (row[i] > bestValue) {
                best = i;
                bestValue = row[i];
            }
        }
        return best;
    }

    /** @return the source-side BPE */
    public BytePairEncoding sourceBpe() {
        return sourceBpe;
    }

    /** @return the target-side BPE (the same object as {@link #sourceBpe()} when joint) */
    public BytePairEncoding targetBpe() {
        return targetBpe;
    }

    /** @return true if both sides share one BPE */
    public boolean isJoint() {
        return sourceBpe == targetBpe;
    }

    /** @return the source vocabulary */
    public Vocabulary sourceVocabulary() {
        return sourceVocabulary;
    }

    /** @return the target vocabulary */
    public Vocabulary targetVocabulary() {
        return targetVocabulary;
    }

    /** @return whether tokens are lowercased */
    public boolean lowercase() {
        return lowercase;
    }

    /** @return the longest accepted source, in subwords */
    public int maxSourceTokens() {
        return maxSourceTokens;
    }

    /** Builder: {@code setSourceBpe}, {@code setTargetBpe} and both vocabularies are required. */
    public static final class Builder {
        private BytePairEncoding sourceBpe;
        private BytePairEncoding targetBpe;
        private Vocabulary sourceVocabulary;
        private Vocabulary targetVocabulary;
        private boolean lowercase;
        private int maxSourceTokens = TranslatorConfig.Pipeline.DEFAULT_MAX_SOURCE_TOKENS;
        private Tokenizer tokenizer;

        Builder() {}

        /** @param bpe the source-side BPE (required) */
        public Builder setSourceBpe(BytePairEncoding bpe) {
            this.sourceBpe = Objects.requireNonNull(bpe, "sourceBpe");
            return this;
        }

        /** @param bpe the target-side BPE (required; the source one for joint BPE) */
        public Builder setTargetBpe(BytePairEncoding bpe) {
            this.targetBpe = Objects.requireNonNull(bpe, "targetBpe");
            return this;
        }

        /** @param vocabulary the source vocabulary (required) */
        public Builder setSourceVocabulary(Vocabulary vocabulary) {
            this.sourceVocabulary = Objects.requireNonNull(vocabulary, "sourceVocabulary");
            return this;
        }

        /** @param vocabulary the target vocabulary (required) */
        public Builder setTargetVocabulary(Vocabulary vocabulary) {
            this.targetVocabulary = Objects.requireNonNull(vocabulary, "targetVocabulary");
            return this;
        }

        /** @param lowercase lowercase tokens (default false) */
        public Builder optLowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        /** @param max the longest accepted source in subwords (default 256, at most 1024) */
        public Builder optMaxSourceTokens(int max) {
            this.maxSourceTokens = max;
            return this;
        }

        /** @param tokenizer a CoreNLP tokenizer already built with the same lowercasing (saves start-up time) */
        Builder optTokenizer(Tokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /** @return the pipeline */
        public TranslationPipeline build() {
            List<String> missing = new ArrayList<>();
            if (sourceBpe == null) {
                missing.add("setSourceBpe");
            }
            if (targetBpe == null) {
                missing.add("setTargetBpe");
            }
            if (sourceVocabulary == null) {
                missing.add("setSourceVocabulary");
            }
            if (targetVocabulary == null) {
                missing.add("setTargetVocabulary");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("TranslationPipeline.Builder: required " + missing);
            }
            if (maxSourceTokens < 1 || maxSourceTokens > TranslatorConfig.Pipeline.MAX_SOURCE_TOKENS_LIMIT) {
                throw new IllegalArgumentException("maxSourceTokens must be in [1, "
                        + TranslatorConfig.Pipeline.MAX_SOURCE_TOKENS_LIMIT + "], got " + maxSourceTokens);
            }
            return new TranslationPipeline(this);
        }
    }
}
