package dev.seqtoolkit.summarize;

import dev.seqtoolkit.core.data.DataDirectory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The summarization corpora under the data directory ({@code core.data.DataDirectory}), their
 * split names and files, and the layout of their documents.
 *
 * <table>
 *   <caption>Datasets</caption>
 *   <tr><th>name</th><th>splits (files under the data directory)</th><th>documents</th></tr>
 *   <tr><td>{@code samsum}</td><td>{@code train} ({@code samsum/train.csv.gz}), {@code validation}
 *       ({@code samsum/validation.csv})</td><td>{@link DocumentFormat#DIALOGUE}</td></tr>
 *   <tr><td>{@code cnndm}</td><td>{@code train}, {@code val} ({@code cnndm/<split>.jsonl.gz})</td>
 *       <td>{@link DocumentFormat#TOKENIZED}</td></tr>
 *   <tr><td>{@code gigaword}</td><td>{@code rush_train_first10k}, {@code rush_valid_first1k},
 *       {@code tfds_train_sample10k} ({@code gigaword-sample/<split>.article.txt} and {@code
 *       .title.txt})</td><td>{@link DocumentFormat#TOKENIZED} (one sentence)</td></tr>
 * </table>
 * SAMSum's {@value #SAMSUM_OVERLAP_IDS} lists 93 training rows whose dialogue reappears in
 * validation or test; {@link #read} drops them from {@code train} when asked (its README says to).
 */
public enum SummaryDataset {
    /** SAMSum chat dialogues (Gliwa et al. 2019). */
    SAMSUM("samsum", DocumentFormat.DIALOGUE, "validation",
            Map.of("train", List.of("samsum/train.csv.gz"), "validation", List.of("samsum/validation.csv"))),
    /** CNN/DailyMail, See et al.'s non-anonymized preprocessing, random subsets. */
    CNNDM("cnndm", DocumentFormat.TOKENIZED, "val",
            Map.of("train", List.of("cnndm/train.jsonl.gz"), "val", List.of("cnndm/val.jsonl.gz"))),
    /** Gigaword headline generation samples (Rush et al. 2015 preprocessing). */
    GIGAWORD("gigaword", DocumentFormat.TOKENIZED, "rush_valid_first1k", gigawordSplits());

    /** The SAMSum ids to drop from training, relative to the data directory. */
    public static final String SAMSUM_OVERLAP_IDS = "samsum/train_ids_overlapping_heldout.txt";

    private final String id;
    private final DocumentFormat format;
    private final String devSplit;
    private final Map<String, List<String>> files;

    SummaryDataset(String id, DocumentFormat format, String devSplit, Map<String, List<String>> files) {
        this.id = id;
        this.format = format;
        this.devSplit = devSplit;
        this.files = files;
    }

    private static Map<String, List<String>> gigawordSplits() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String split : List.of("rush_train_first10k", "rush_valid_first1k", "tfds_train_sample10k")) {
            m.put(split, List.of("gigaword-sample/" + split + ".article.txt", "gigaword-sample/" + split + ".title.txt"));
        }
        return m;
    }

    /** The name used on command lines and in result records, e.g. {@code samsum}. */
    public String id() {
        return id;
    }

    /** How the documents are laid out. */
    public DocumentFormat format() {
        return format;
    }

    /** The held-out split used for development ({@code validation}, {@code val}, {@code rush_valid_first1k}). */
    public String devSplit() {
        return devSplit;
    }

    /** The split names, sorted. */
    public List<String> splits() {
        List<String> out = new ArrayList<>(files.keySet());
        out.sort(null);
        return out;
    }

    /**
     * The dataset of a name, ignoring case.
     *
     * @throws IllegalArgumentException naming the known datasets
     */
    public static SummaryDataset of(String name) {
        Objects.requireNonNull(name, "name");
        for (SummaryDataset d : values()) {
            if (d.id.equalsIgnoreCase(name.strip())) {
                return d;
            }
        }
        List<String> known = new ArrayList<>();
        for (SummaryDataset d : values()) {
            known.add(d.id);
        }
        throw new IllegalArgumentException("unknown summarization dataset '" + name + "'; known: " + known);
    }

    /**
     * The files of a split, resolved under the data directory (not checked for existence).
     *
     * @throws IllegalArgumentException naming the known splits
     */
    public List<Path> files(DataDirectory data, String split) {
        List<String> relative = files.get(split);
        if (relative == null) {
            throw new IllegalArgumentException("dataset " + id + " has no split '" + split + "'; known: " + splits());
        }
        List<Path> out = new ArrayList<>();
        for (String r : relative) {
            out.add(data.resolvePath(r));
        }
        return out;
    }

    /**
     * Reads a split.
     *
     * @param data the data directory
     * @param split a split name ({@link #splits()})
     * @param dropOverlap for SAMSum's {@code train} split, drop the rows listed in {@value
     *     #SAMSUM_OVERLAP_IDS} (training ids only, so the file is not read for other splits); ignored
     *     for the other datasets
     * @return the examples and what was dropped
     * @throws IOException if a file is missing (naming it and the data directory) or invalid
     */
    public SummaryData.ReadResult read(DataDirectory data, String split, boolean dropOverlap) throws IOException {
        files(data, split); // checks the split name
        List<String> relative = files.get(split);
        switch (this) {
            case SAMSUM:
                Set<String> exclude = dropOverlap && split.equals("train") ? SummaryData.readIds(data.require(SAMSUM_OVERLAP_IDS)) : Set.of();
                return SummaryData.loadSamsum(data.require(relative.get(0)), exclude);
            case CNNDM:
                List<SummaryExample> examples = SummaryData.readCnndm(data.require(relative.get(0)));
                return new SummaryData.ReadResult(examples, examples.size(), 0, 0);
            case GIGAWORD:
                return SummaryData.loadGigaword(data.require(relative.get(0)), data.require(relative.get(1)));
            default:
                throw new AssertionError(this);
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
