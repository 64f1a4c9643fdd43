package dev.seqtoolkit.core.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;

/** A console progress bar (loss, perplexity for tokens, units/s, ETA), or nothing when disabled. */
final class ProgressDisplay implements AutoCloseable {
    private final ProgressBar bar;
    private final Units units;

    private ProgressDisplay(ProgressBar bar, Units units) {
        this.bar = bar;
        this.units = units;
    }

    /** Enabled only if asked for and standard output is a terminal. */
    static ProgressDisplay open(boolean wanted, long total, long done, Units units) {
        if (!wanted || System.console() == null) {
            return new ProgressDisplay(null, units);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("train")
                .setInitialMax(total > 0 ? total : -1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        bar.stepTo(done);
        return new ProgressDisplay(bar, units);
    }

    boolean isEnabled() {
        return bar != null;
    }

    void update(long step, int epoch, double loss, double unitsPerSecond) {
        if (bar == null) {
            return;
        }
        StringBuilder message = new StringBuilder(String.format(Locale.ROOT, "ep %d loss %.4f", epoch, loss));
        if (units == Units.TOKENS) {
            message.append(String.format(Locale.ROOT, " ppl %.2f", Math.exp(loss)));
        }
        message.append(String.format(Locale.ROOT, " %.0f %s/s", unitsPerSecond, units.abbreviation()));
        bar.stepTo(step);
        bar.setExtraMessage(message.toString());
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
