package dev.seqtoolkit.summarize;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A chat dialogue as a list of turns, read from text with one {@code Speaker: text} turn per line
 * (the SAMSum layout).
 *
 * <p>{@link #parse} rules, line by line:
 * <ul>
 *   <li>Line breaks are {@code \n}, {@code \r\n} or {@code \r}. Blank lines are skipped; each other
 *       line is one turn, with surrounding whitespace stripped.
 *   <li>The speaker is the text before the line's first colon, stripped, when it is 1 to {@value
 *       #MAX_SPEAKER_CHARS} characters long, has at most {@value #MAX_SPEAKER_WORDS} words and
 *       contains a letter, and the colon is not the start of {@code ://} ({@code Simon:8 sharp} and
 *       {@code GastroMachina Foodtruck: ...} have speakers; {@code 8:30 is fine} and {@code
 *       http://x.y} do not). The turn's text is what
 *       follows the colon, stripped; it may be empty.
 *   <li>A line without such a prefix becomes an <b>anonymous turn</b>: speaker {@code ""}, the
 *       whole line as text. So text with no speaker lines at all (a transcript, or a news article
 *       given by mistake) parses as one anonymous turn per line, and nothing is lost; callers that
 *       need real speakers check {@link #hasSpeakers()} ({@link SummaryData#readSamsum} rejects a
 *       row whose dialogue has none, naming the row).
 * </ul>
 *
 * @param turns the turns in order (unmodifiable)
 */
public record Dialogue(List<Turn> turns) {

    /** Longest accepted speaker name, in characters. */
    public static final int MAX_SPEAKER_CHARS = 40;
    /** Most words in an accepted speaker name. */
    public static final int MAX_SPEAKER_WORDS = 4;

    /** Copies the turn list. */
    public Dialogue {
        turns = List.copyOf(turns);
    }

    /**
     * One utterance.
     *
     * @param speaker who speaks; {@code ""} for an anonymous turn (a line with no speaker prefix)
     * @param text what is said, stripped; may be empty
     */
    public record Turn(String speaker, String text) {
        /** Rejects nulls. */
        public Turn {
            Objects.requireNonNull(speaker, "speaker");
            Objects.requireNonNull(text, "text");
        }

        /** Whether the line had no speaker prefix. */
        public boolean anonymous() {
            return speaker.isEmpty();
        }

        /** The turn as one line: {@code speaker: text}, or just the text when anonymous. */
        public String toLine() {
            if (anonymous()) {
                return text;
            }
            return text.isEmpty() ? speaker + ":" : speaker + ": " + text;
        }
    }

    /**
     * Parses a dialogue; never fails on non-null input (see the class comment for the rules).
     *
     * @param text the dialogue, one turn per line
     * @return its turns; none for blank text
     */
    public static Dialogue parse(String text) {
        Objects.requireNonNull(text, "text");
        List<Turn> turns = new ArrayList<>();
        for (String line : text.split("\r\n|\r|\n", -1)) {
            String stripped = line.strip();
            if (!stripped.isEmpty()) {
                turns.add(turn(stripped));
            }
        }
        return new Dialogue(turns);
    }

    /** Whether at least one turn has a speaker. */
    public boolean hasSpeakers() {
        for (Turn t : turns) {
            if (!t.anonymous()) {
                return true;
            }
        }
        return false;
    }

    /** The distinct speakers in order of first appearance (anonymous turns not included). */
    public List<String> speakers() {
        List<String> out = new ArrayList<>();
        for (Turn t : turns) {
            if (!t.anonymous() && !out.contains(t.speaker())) {
                out.add(t.speaker());
            }
        }
        return out;
    }

    /** The turns as lines ({@link Turn#toLine()}), joined by {@code \n}. */
    public String toText() {
        List<String> lines = new ArrayList<>(turns.size());
        for (Turn t : turns) {
            lines.add(t.toLine());
        }
        return String.join("\n", lines);
    }

    /** Parses one non-blank, stripped line. */
    static Turn turn(String line) {
        int colon = line.indexOf(':');
        if (colon > 0 && !line.startsWith("//", colon + 1)) {
            String speaker = line.substring(0, colon).strip();
            if (isSpeaker(speaker)) {
                return new Turn(speaker, line.substring(colon + 1).strip());
            }
        }
        return new Turn("", line);
    }

    /** Whether the text before a line's first colon reads as a speaker name. */
    static boolean isSpeaker(String candidate) {
        if (candidate.isEmpty() || candidate.length() > MAX_SPEAKER_CHARS) {
            return false;
        }
        if (candidate.split("\\s+").length > MAX_SPEAKER_WORDS) {
            return false;
        }
        return candidate.codePoints().anyMatch(Character::isLetter);
    }
}
