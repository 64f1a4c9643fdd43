package dev.seqtoolkit.core.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Incremental BPE merge learning for {@link BytePairEncoding}.
 *
 * <p>Each distinct word is an array of symbol ids with its corpus frequency. Pair frequencies live
 * in a map, and an index from each pair to the words containing it (entries may go stale; they
 * are re-checked) means a merge only touches the words that contain the merged pair: their old
 * pairs are subtracted, their new pairs added. The best pair is taken from a max-heap with lazy
 * deletion: every frequency change pushes a fresh entry, and popped entries whose frequency is no
 * longer current are discarded. Cost per merge is proportional to the affected words, not to the
 * corpus.
 */
final class BpeLearner {

    private final List<String> symbols = new ArrayList<>();
    private final Map<String, Integer> symbolIds = new HashMap<>();
    private final int[][] words;
    private final long[] frequencies;
    private final Map<Long, Long> pairCounts = new HashMap<>();
    private final Map<Long, IntList> index = new HashMap<>();
    private final PriorityQueue<Entry> heap;

    BpeLearner(Map<String, Long> wordCounts) {
        List<String> sorted = new ArrayList<>(wordCounts.keySet());
        sorted.sort(null);
        words = new int[sorted.size()][];
        frequencies = new long[sorted.size()];
        for (int w = 0; w < sorted.size(); w++) {
            List<String> initial = initialSymbols(sorted.get(w));
            int[] seq = new int[initial.size()];
            for (int i = 0; i < seq.length; i++) {
                seq[i] = intern(initial.get(i));
            }
            words[w] = seq;
            frequencies[w] = wordCounts.get(sorted.get(w));
        }
        heap = new PriorityQueue<>(this::compare);
        for (int w = 0; w < words.length; w++) {
            int[] seq = words[w];
            for (int i = 0; i + 1 < seq.length; i++) {
                long key = key(seq[i], seq[i + 1]);
                pairCounts.merge(key, frequencies[w], Long::sum);
                index.computeIfAbsent(key, k -> new IntList()).add(w);
            }
        }
        for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
            heap.add(new Entry(e.getKey(), e.getValue()));
        }
    }

    /** A word's starting symbols: its code points, the last one carrying the end-of-word marker. */
    static List<String> initialSymbols(String word) {
        List<String> out = new ArrayList<>(word.length());
        word.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        int last = out.size() - 1;
        out.set(last, out.get(last) + BytePairEncoding.END_OF_WORD);
        return out;
    }

    /** Runs up to {@code maxMerges} merges; returns them in order as {@code [first, second]}. */
    List<String[]> learn(int maxMerges, int minFrequency) {
        List<String[]> merges = new ArrayList<>();
        int[] stamp = new int[words.length];
        Arrays.fill(stamp, -1);
        while (merges.size() < maxMerges) {
            Entry best = null;
            while (!heap.isEmpty()) {
                Entry top = heap.poll();
                Long current = pairCounts.get(top.key);
                if (current != null && current == top.count) {
                    best = top;
                    break;
                }
            }
            if (best == null || best.count < minFrequency) {
                break;
            }
            int a = first(best.key);
            int b = second(best.key);
            int merged = intern(symbols.get(a) + symbols.get(b));
            int mergeNumber = merges.size();
            merges.add(new String[] {symbols.get(a), symbols.get(b)});
            IntList affected = index.remove(best.key);
            Set<Long> changed = new HashSet<>();
            for (int n = 0; n < affected.size; n++) {
                int w = affected.values[n];
                if (stamp[w] == mergeNumber) {
                    continue;
                }
                stamp[w] = mergeNumber;
                int[] seq = words[w];
                int[] next = mergePair(seq, a, b, merged);
                if (next == null) {
                    continue;
                }
                long f = frequencies[w];
                for (int i = 0; i + 1 < seq.length; i++) {
                    long k = key(seq[i], seq[i + 1]);
                    pairCounts.merge(k, -f, Long::sum);
                    changed.add(k);
                }
                for (int i = 0; i + 1 < next.length; i++) {
                    long k = key(next[i], next[i + 1]);
                    pairCounts.merge(k, f, Long::sum);
                    changed.add(k);
                    if (next[i] == merged || next[i + 1] == merged) {
                        index.computeIfAbsent(k, x -> new IntList()).add(w);
                    }
                }
                words[w] = next;
            }
            for (long k : changed) {
                long count = pairCounts.get(k);
                if (count <= 0) {
                    pairCounts.remove(k);
                } else {
                    heap.add(new Entry(k, count));
                }
            }
        }
        return merges;
    }

    private static int[] mergePair(int[] seq, int a, int b, int merged) {
        int[] out = null;
        int n = 0;
        for (int i = 0; i < seq.length; i++) {
            if (i + 1 < seq.length && seq[i] == a && seq[i + 1] == b) {
                if (out == null) {
                    out = new int[seq.length - 1];
                    System.arraycopy(seq, 0, out, 0, i);
                    n = i;
                }
                out[n++] = merged;
                i++;
            } else if (out != null) {
                out[n++] = seq[i];
            }
        }
        return out == null ? null : Arrays.copyOf(out, n);
    }

    private int compare(Entry x, Entry y) {
        int byCount = Long.compare(y.count, x.count);
        if (byCount != 0) {
            return byCount;
        }
        int byFirst = symbols.get(first(x.key)).compareTo(symbols.get(first(y.key)));
        if (byFirst != 0) {
            return byFirst;
        }
        return symbols.get(second(x.key)).compareTo(symbols.get(second(y.key)));
    }

    private int intern(String symbol) {
        Integer id = symbolIds.get(symbol);
        if (id == null) {
            id = symbols.size();
            symbols.add(symbol);
            symbolIds.put(symbol, id);
        }
        return id;
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    private static int first(long key) {
        return (int) (key >>> 32);
    }

    private static int second(long key) {
        return (int) key;
    }

    private static final class Entry {
        final long key;
        final long count;

        Entry(long key, long count) {
            this.key = key;
            this.count = count;
        }
    }

    private static final class IntList {
        int[] values = new int[4];
        int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }
    }
}
