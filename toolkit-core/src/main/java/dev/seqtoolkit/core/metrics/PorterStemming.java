package dev.seqtoolkit.core.metrics;

import opennlp.tools.stemmer.PorterStemmer;

/**
 * Adapter over Apache OpenNLP's Porter stemmer (the original 1980 algorithm, a port of Martin
 * Porter's reference implementation, as bundled with ROUGE-1.5.5 for its {@code -m} flag). The
 * only class in the toolkit that touches OpenNLP, so the stemmer can be swapped in one place.
 */
final class PorterStemming {

    private PorterStemming() {}

    /**
     * Stems one lowercase ASCII word. OpenNLP's stemmer keeps state, so each call uses its own.
     *
     * @param word a lowercase word of letters and digits
     * @return its Porter stem
     */
    static String stem(String word) {
        return new PorterStemmer().stem(word);
    }
}
