package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import dev.seqtoolkit.core.host.HostRecurrentStack.Cell;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.seqtoolkit.core.onnx.OnnxTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** ONNX Runtime runs of exported stacks against {@link dev.seqtoolkit.core.host.HostRecurrentStack}. */
class RecurrentExporterTest {
    private static final int BATCH = 3;
    private static final int TIME = 4;
    private static final int IN = 7;
    private static final int HIDDEN = 5;
    private static final double TOLERANCE = 1e-5;

    private static List<FusedRecurrentWeights[]> randomStack(Random random, Cell cell, int numLayers, int dirs) {
        List<FusedRecurrentWeights[]> layers = layers();
        for (int l = 0; l < numLayers; l++) {
            FusedRecurrentWeights[] d = new FusedRecurrentWeights[dirs];
            for (int k = 0; k < dirs; k++) {
                d[k] = randomWeights(random, cell, l == 0 ? IN : dirs * HIDDEN, HIDDEN);
            }
            layers.add(d);
        }
        return layers;
    }

    private static RecurrentExporter exporter(Cell cell, List<FusedRecurrentWeights[]> layers) {
        RecurrentExporter.Builder b = RecurrentExporter.builder(cell);
        for (FusedRecurrentWeights[] d : layers) {
            if (d.length == 1) {
                b.addLayer(d[0]);
            } else {
                b.addLayer(d[0], d[1]);
            }
        }
        return b.build();
    }

    private static void assertParity(Cell cell, int numLayers, int dirs, boolean initialStates, int[] lengths,
            long seed) throws Exception {
        Random random = new Random(seed);
        List<FusedRecurrentWeights[]> layers = randomStack(random, cell, numLayers, dirs);
        float[] x = random(random, BATCH * TIME * IN, 1.0);
        int states = numLayers * dirs;
        float[] h0 = initialStates ? random(random, states * BATCH * HIDDEN, 0.5) : null;
        float[] c0 = initialStates && cell == Cell.LSTM ? random(random, states * BATCH * HIDDEN, 0.5) : null;
        OnnxMl.ModelProto model = exporter(cell, layers).toModel(initialStates, lengths != null);

        Map<String, Object[]> inputs = new HashMap<>();
        inputs.put(RecurrentExporter.INPUT, tensor(x, BATCH, TIME, IN));
        if (initialStates) {
            inputs.put(RecurrentExporter.INITIAL_HIDDEN, tensor(h0, states, BATCH, HIDDEN));
            if (c0 != null) {
                inputs.put(RecurrentExporter.INITIAL_CELL, tensor(c0, states, BATCH, HIDDEN));
            }
        }
        if (lengths != null) {
            inputs.put(RecurrentExporter.SEQUENCE_LENGTHS, tensor(lengths, BATCH));
        }
        assertMatches(cell, reference(cell, layers, x, BATCH, TIME, h0, c0, lengths), run(model, inputs));
    }

    /** Output, final hidden and (LSTM) final cell state against the host reference; a GRU has no cell output. */
    private static void assertMatches(Cell cell, Reference ref, Map<String, float[]> out) {
        assertClose(ref.output(), out.get(RecurrentExporter.OUTPUT), TOLERANCE, "output");
        assertClose(ref.hn(), out.get(RecurrentExporter.FINAL_HIDDEN), TOLERANCE, "hn");
        if (cell == Cell.LSTM) {
            assertClose(ref.cn(), out.get(RecurrentExporter.FINAL_CELL), TOLERANCE, "cn");
        } else {
            assertFalse(out.containsKey(RecurrentExporter.FINAL_CELL), "a GRU has no cell-state output");
        }
    }

    @ParameterizedTest(name = "{0} x {1} layers, initial states {2}")
    @CsvSource({"LSTM,1,false", "LSTM,1,true", "LSTM,2,true", "GRU,1,false", "GRU,1,true", "GRU,2,true"})
    void unidirectionalMatchesHostStack(Cell cell, int numLayers, boolean initialStates) throws Exception {
        assertParity(cell, numLayers, 1, initialStates, null, 31 + numLayers);
    }

    @ParameterizedTest(name = "bidirectional {0} x {1} layers")
    @CsvSource({"LSTM,1", "LSTM,2", "GRU,1", "GRU,2"})
    void bidirectionalMatchesForwardPlusReversed(Cell cell, int numLayers) throws Exception {
        assertParity(cell, numLayers, 2, true, null, 53 + numLayers);
    }

    @ParameterizedTest(name = "sequence lengths, {0}, dirs {1}")
    @CsvSource({"LSTM,1", "LSTM,2", "GRU,2"})
    void sequenceLengthsStopEachSequenceAtItsEnd(Cell cell, int dirs) throws Exception {
        assertParity(cell, 2, dirs, true, new int[] {TIME, 1, 3}, 71 + dirs);
    }

    /**
     * {@link RecurrentExporter#emitTokens}: the first layer's input gates from the table and the Scan
     * of the cell must give the host stack's outputs and final states on the embedded tokens, padding
     * included (zero outputs; the backward direction starts at each sentence's last real token).
     */
    @ParameterizedTest(name = "tokens, {0} x {1} layers, dirs {2}, lengths {3}")
    @CsvSource({"LSTM,1,1,false", "LSTM,1,2,true", "LSTM,2,2,true", "GRU,1,1,true", "GRU,2,2,true", "GRU,1,2,false"})
    void tokensThroughTheGateTableMatchHostStack(Cell cell, int numLayers, int dirs, boolean withLengths)
            throws Exception {
        Random random = new Random(97 + numLayers * 10 + dirs);
        List<FusedRecurrentWeights[]> layers = randomStack(random, cell, numLayers, dirs);
        int vocab = 9;
        float[] embedding = random(random, vocab * IN, 1.0);
        long[] ids = new long[BATCH * TIME];
        float[] x = new float[BATCH * TIME * IN];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(vocab);
            System.arraycopy(embedding, (int) ids[i] * IN, x, i * IN, IN);
        }
        int[] lengths = withLengths ? new int[] {2, TIME, 1} : null;
        RecurrentExporter stack = exporter(cell, layers);
        assertTrue(stack.usesGateTable(vocab));
        OnnxGraphBuilder g = new OnnxGraphBuilder("tokens");
        g.addInput("ids", OnnxMl.TensorProto.DataType.INT64, OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim("time"));
        String lens = withLengths ? g.addInput(RecurrentExporter.SEQUENCE_LENGTHS, OnnxMl.TensorProto.DataType.INT32,
                OnnxGraphBuilder.dim("batch")) : null;
        long states = (long) numLayers * dirs;
        g.addOutput(RecurrentExporter.OUTPUT, OnnxMl.TensorProto.DataType.FLOAT, OnnxGraphBuilder.dim("batch"),
                OnnxGraphBuilder.dim("time"), OnnxGraphBuilder.dim((long) dirs * HIDDEN));
        g.addOutput(RecurrentExporter.FINAL_HIDDEN, OnnxMl.TensorProto.DataType.FLOAT, OnnxGraphBuilder.dim(states),
                OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim(HIDDEN));
        if (cell == Cell.LSTM) {
            g.addOutput(RecurrentExporter.FINAL_CELL, OnnxMl.TensorProto.DataType.FLOAT, OnnxGraphBuilder.dim(states),
                    OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim(HIDDEN));
        }
        stack.emitTokens(g, "ids", embedding, vocab, lens, RecurrentExporter.OUTPUT, RecurrentExporter.FINAL_HIDDEN,
                RecurrentExporter.FINAL_CELL);
        OnnxMl.ModelProto model = g.toModel();
        assertTrue(model.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Scan")));
        Map<String, Object[]> inputs = new HashMap<>();
        inputs.put("ids", tensor(ids, BATCH, TIME));
        if (withLengths) {
            inputs.put(RecurrentExporter.SEQUENCE_LENGTHS, tensor(lengths, BATCH));
        }
        assertMatches(cell, reference(cell, layers, x, BATCH, TIME, null, null, lengths), run(model, inputs));
        java.nio.file.Path file = java.nio.file.Files.createTempFile("tokens", ".onnx");
        try {
            OnnxGraphBuilder.write(model, file);
            assumeCheckerPasses(List.of(file));
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /** A variant the table's Scan body does not write out (here hard-sigmoid gates) runs as ONNX LSTM nodes. */
    @Test
    void aCellVariantFallsBackToTheRecurrentOperator() {
        Random random = new Random(8);
        CellVariant hard = CellVariant.builder().optGateActivation(CellVariant.Activation.HARD_SIGMOID).build();
        RecurrentExporter stack = RecurrentExporter.builder(Cell.LSTM).optVariant(hard)
                .addLayer(randomWeights(random, Cell.LSTM, IN, HIDDEN)).build();
        assertFalse(stack.usesGateTable(9));
        OnnxGraphBuilder g = new OnnxGraphBuilder("tokens");
        g.addInput("ids", OnnxMl.TensorProto.DataType.INT64, OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim("time"));
        g.addOutput("y", OnnxMl.TensorProto.DataType.FLOAT, OnnxGraphBuilder.dim("batch"), OnnxGraphBuilder.dim("time"),
                OnnxGraphBuilder.dim(HIDDEN));
        stack.emitTokens(g, "ids", random(random, 9 * IN, 1.0), 9, null, "y", "hn", "cn");
        List<String> ops = g.toModel().getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
        assertTrue(ops.contains("LSTM") && !ops.contains("Scan"), ops.toString());
    }

    @Test
    void timeGateIsRejectedByName() {
        Random random = new Random(5);
        CellVariant timeGated = CellVariant.builder().optTimeGate(true).build();
        RecurrentExporter.Builder b = RecurrentExporter.builder(Cell.LSTM).optVariant(timeGated)
                .addLayer(randomWeights(random, Cell.LSTM, IN, HIDDEN));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, b::build);
        assertTrue(e.getMessage().contains("time gate"), e.getMessage());
    }

    @Test
    void mismatchedLayerSizesAreRejectedWithBothSizes() {
        Random random = new Random(6);
        RecurrentExporter.Builder b = RecurrentExporter.builder(Cell.GRU)
                .addLayer(randomWeights(random, Cell.GRU, IN, HIDDEN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.addLayer(randomWeights(random, Cell.GRU, IN, HIDDEN)));
        assertTrue(e.getMessage().contains("input size " + IN) && e.getMessage().contains("output size " + HIDDEN),
                e.getMessage());
        IllegalArgumentException wrongCell = assertThrows(IllegalArgumentException.class,
                () -> b.addLayer(randomWeights(random, Cell.LSTM, HIDDEN, HIDDEN)));
        assertTrue(wrongCell.getMessage().contains("LSTM weights in a GRU stack"), wrongCell.getMessage());
    }

    @Test
    void weightsWithTheWrongLengthNameTheTensorAndShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FusedRecurrentWeights.of(
                Cell.LSTM, 3, 5, new float[60], new float[99], new float[20], new float[20]));
        assertTrue(e.getMessage().contains("h2h weight") && e.getMessage().contains("(20, 5)"), e.getMessage());
    }
}
