package dev.seqtoolkit.core.train;

import dev.seqtoolkit.core.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Draws training and dev loss (or perplexity) per epoch into a PNG with XChart, headless. */
final class LossPlot {
    private LossPlot() {}

    static void write(Path png, List<TrainerState.EpochRecord> history, boolean perplexity) throws IOException {
        if (history.isEmpty()) {
            return;
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        String quantity = perplexity ? "perplexity" : "loss";
        XYChart chart = new XYChartBuilder().width(640).height(400)
                .title("Training " + quantity).xAxisTitle("epoch").yAxisTitle(quantity).build();
        List<Double> epochs = new ArrayList<>();
        List<Double> train = new ArrayList<>();
        List<Double> devEpochs = new ArrayList<>();
        List<Double> dev = new ArrayList<>();
        // non-finite points (a diverging run) are left out: the chart cannot draw them
        for (TrainerState.EpochRecord r : history) {
            double trainValue = perplexity ? Math.exp(r.trainLoss()) : r.trainLoss();
            if (Double.isFinite(trainValue)) {
                epochs.add((double) r.epoch() + 1);
                train.add(trainValue);
            }
            Double devLoss = r.dev() == null ? null : r.dev().get("loss");
            if (devLoss == null && r.dev() != null && r.dev().get("perplexity") != null) {
                devLoss = Math.log(r.dev().get("perplexity"));
            }
            double devValue = devLoss == null ? Double.NaN : perplexity ? Math.exp(devLoss) : devLoss;
            if (Double.isFinite(devValue)) {
                devEpochs.add((double) r.epoch() + 1);
                dev.add(devValue);
            }
        }
        if (train.isEmpty() && dev.isEmpty()) {
            return;
        }
        if (!train.isEmpty()) {
            chart.addSeries("train", epochs, train);
        }
        if (!dev.isEmpty()) {
            chart.addSeries("dev", devEpochs, dev);
        }
        byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(png, bytes);
    }
}
