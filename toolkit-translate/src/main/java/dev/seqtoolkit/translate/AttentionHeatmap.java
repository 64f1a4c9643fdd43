package dev.seqtoolkit.translate;

import dev.seqtoolkit.core.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws an {@link AttentionMatrix} as a PNG heat map with XChart (headless): source subwords along
 * the x axis, output subwords down the y axis (first output token at the top), white for weight 0
 * to dark blue for weight 1.
 */
public final class AttentionHeatmap {
    private static final int CELL = 28;
    private static final int MARGIN = 220;

    private AttentionHeatmap() {}

    /**
     * Renders the matrix as PNG bytes.
     *
     * @param attention a matrix with at least one source and one target token
     * @param title the chart title (e.g. the source sentence)
     * @return the PNG file's bytes
     */
    public static byte[] png(AttentionMatrix attention, String title) throws IOException {
        if (attention.sourceTokens().isEmpty() || attention.targetTokens().isEmpty()) {
            throw new IllegalArgumentException("cannot draw the attention of an empty sentence or translation");
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        int cols = attention.sourceTokens().size();
        int rows = attention.targetTokens().size();
        HeatMapChart chart = new HeatMapChartBuilder()
                .width(Math.max(480, MARGIN + cols * CELL))
                .height(Math.max(360, MARGIN + rows * CELL))
                .title(title)
                .xAxisTitle("source")
                .yAxisTitle("translation")
                .build();
        chart.getStyler().setPlotContentSize(1);
        chart.getStyler().setShowValue(false);
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(1);
        chart.getStyler().setRangeColors(new Color[] {Color.WHITE, new Color(8, 48, 107)});
        chart.getStyler().setXAxisLabelRotation(60);
        chart.getStyler().setLegendVisible(true);
        List<String> x = indexed(attention.sourceTokens());
        // y runs bottom-up in XChart: reverse so the first output token is on top
        List<String> targets = indexed(attention.targetTokens());
        List<String> y = new ArrayList<>(targets.size());
        for (int t = rows - 1; t >= 0; t--) {
            y.add(targets.get(t));
        }
        List<Number[]> cells = new ArrayList<>(rows * cols);
        for (int t = 0; t < rows; t++) {
            for (int s = 0; s < cols; s++) {
                cells.add(new Number[] {s, rows - 1 - t, attention.weights()[t][s]});
            }
        }
        chart.addSeries("attention", x, y, cells);
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Writes the heat map to {@code file} through a temporary file and an atomic rename.
     *
     * @param attention the matrix
     * @param title the chart title
     * @param file the PNG file to write
     */
    public static void write(AttentionMatrix attention, String title, Path file) throws IOException {
        AtomicFiles.write(file, png(attention, title));
    }

    /** Category labels must be distinct: repeated tokens get their position appended. */
    private static List<String> indexed(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            String label = tokens.get(i);
            if (!seen.add(label)) {
                label = label + " (" + (i + 1) + ")";
                seen.add(label);
            }
            out.add(label);
        }
        return out;
    }
}
