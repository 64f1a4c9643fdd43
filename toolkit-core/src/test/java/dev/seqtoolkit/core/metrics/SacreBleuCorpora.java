package dev.seqtoolkit.core.metrics;

import java.util.List;

/** Small test corpora shared by the BLEU and chrF tests; references are per segment. */
final class SacreBleuCorpora {

    private SacreBleuCorpora() {}

    /** A corpus: hypotheses and, per segment, its references. */
    record Corpus(List<String> hypotheses, List<List<String>> references) {}

    /** Punctuation, decimals, thousands separators, currency, hyphenated numbers, apostrophes. */
    static final Corpus EN_PUNCT = new Corpus(
            List.of("The cat, 3.5 kg heavy, sat on the mat.",
                    "He paid $12,000 (cash) for it!",
                    "It's 5-6 km away; isn't it?"),
            List.of(List.of("The cat, weighing 3.5 kg, sat on the mat."),
                    List.of("He paid $12,000 in cash for it."),
                    List.of("It is 5-6 km away, isn't it?")));

    /** Two references per segment. */
    static final Corpus MULTI_REF = new Corpus(
            List.of("the cat is on the mat", "there is a dog in the garden", "he reads a book"),
            List.of(List.of("the cat sat on the mat", "there is a cat on the mat"),
                    List.of("a dog is in the garden", "there is a dog in the yard"),
                    List.of("he is reading a book", "he reads the newspaper")));

    /** One empty hypothesis (brevity penalty applies). */
    static final Corpus EMPTY_HYP = new Corpus(
            List.of("", "the quick brown fox jumps over the lazy dog", "hello world"),
            List.of(List.of("this is not empty"),
                    List.of("the quick brown fox jumped over the lazy dog"),
                    List.of("hello there world")));

    /** A realistic German news paragraph (umlauts, quotes, numbers), one reference. */
    static final Corpus DE_NEWS = new Corpus(
            List.of("Die Bundesregierung hat am Mittwoch ein neues Klimaschutzgesetz beschlossen.",
                    "Demnach sollen die Emissionen bis 2030 um 65 Prozent sinken.",
                    "Kritiker bemängeln, dass das Gesetz nicht weit genug geht.",
                    "Umweltverbände fordern \"deutlich mehr Tempo\" beim Ausbau der Windkraft.",
                    "Der Bundestag soll im Herbst über den Entwurf abstimmen."),
            List.of(List.of("Die Bundesregierung hat am Mittwoch ein neues Klimaschutzgesetz verabschiedet."),
                    List.of("Danach sollen die Emissionen bis 2030 um 65 Prozent gesenkt werden."),
                    List.of("Kritiker bemängeln, das Gesetz gehe nicht weit genug."),
                    List.of("Umweltverbände verlangen \"deutlich mehr Tempo\" beim Ausbau der Windenergie."),
                    List.of("Im Herbst soll der Bundestag über den Entwurf abstimmen.")));

    /** Hypotheses shorter than 4 tokens: no 3- or 4-grams at all. */
    static final Corpus SHORT = new Corpus(
            List.of("a b", "c"),
            List.of(List.of("a b c"), List.of("c d")));
}
