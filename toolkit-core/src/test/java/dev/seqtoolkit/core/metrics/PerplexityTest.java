package dev.seqtoolkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PerplexityTest {

    @Test
    void uniformDistributionsGiveTheirSupportSize() {
        // Two tokens each with p = 1/2: mean NLL ln 2, perplexity 2.
        assertEquals(2.0, new Perplexity().addTokens(Math.log(2), Math.log(2)).value(), 1e-12);
        // Three tokens with p = 1/4 given as a summed NLL.
        Perplexity p = new Perplexity().add(3 * Math.log(4), 3);
        assertEquals(4.0, p.value(), 1e-12);
        assertEquals(Math.log(4), p.meanNll(), 1e-12);
    }

    @Test
    void mergeEqualsAddingEverythingToOne() {
        // 2 tokens at p = 1/2 and 1 token at p = 1/8: mean NLL (2 ln 2 + 3 ln 2) / 3 = 5/3 ln 2.
        Perplexity a = new Perplexity().add(2 * Math.log(2), 2);
        Perplexity b = new Perplexity().add(Math.log(8), 1);
        a.merge(b);
        assertEquals(3, a.tokenCount());
        assertEquals(Math.pow(2, 5.0 / 3), a.value(), 1e-12);
        assertEquals(1, b.tokenCount());
    }

    @Test
    void zeroProbabilityGivesInfinitePerplexity() {
        assertEquals(Double.POSITIVE_INFINITY, new Perplexity().add(Double.POSITIVE_INFINITY, 1).value());
    }

    @Test
    void guardsAgainstInvalidInput() {
        IllegalStateException empty = assertThrows(IllegalStateException.class, () -> new Perplexity().value());
        assertTrue(empty.getMessage().contains("no tokens"), empty.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> new Perplexity().add(Double.NaN, 4));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Perplexity().add(-0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new Perplexity().add(1.0, -1));
        assertThrows(IllegalArgumentException.class, () -> new Perplexity().add(1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Perplexity().addTokens(0.1, Double.NaN));
        Perplexity p = new Perplexity().add(1.0, 1);
        p.reset();
        assertThrows(IllegalStateException.class, p::value);
    }
}
