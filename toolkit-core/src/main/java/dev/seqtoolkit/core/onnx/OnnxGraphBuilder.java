package dev.seqtoolkit.core.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension;
import com.google.protobuf.ByteString;
import dev.seqtoolkit.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small fluent helper that assembles an ONNX model from the generated {@code OnnxMl} protos:
 * graph inputs and outputs (fixed or symbolic dimensions such as {@code "batch"}), initializers from
 * {@code float[]} / {@code long[]}, nodes with attributes, unique value names, model metadata.
 *
 * <p>Models target the default ({@code ai.onnx}) domain at opset {@link #OPSET} and are stamped with
 * IR version {@link #IR_VERSION} (ONNX 1.12's, which ONNX Runtime 1.23 and the ONNX 1.12 checker both
 * accept). Every node input must name a value defined earlier (graph input, initializer or an
 * earlier node's output), so the node list is topologically sorted by construction; a dangling name
 * fails at {@link NodeBuilder#add()} rather than when ONNX Runtime loads the file.
 *
 * <p>Not thread-safe; one builder per export.
 */
public final class OnnxGraphBuilder {
    /** The default-domain opset every model is written with. */
    public static final int OPSET = 17;
    /** The IR version every model is written with. */
    public static final long IR_VERSION = 8;

    private final String graphName;
    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private final Set<String> defined = new HashSet<>();
    private final Set<String> outputs = new HashSet<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Integer> counters = new LinkedHashMap<>();
    private String producerName = "seqtoolkit";
    private String producerVersion = "0.1.0-SNAPSHOT";
    private String docString = "";

    /** A builder for a graph called {@code graphName}. */
    public OnnxGraphBuilder(String graphName) {
        if (graphName == null || graphName.isBlank()) {
            throw new IllegalArgumentException("The graph needs a non-blank name");
        }
        this.graphName = graphName;
    }

    /** A dimension of fixed size. */
    public static Dimension dim(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("A fixed dimension cannot be negative, got " + size);
        }
        return Dimension.newBuilder().setDimValue(size).build();
    }

    /** A symbolic (dynamic) dimension such as {@code "batch"} or {@code "time"}. */
    public static Dimension dim(String symbol) {
        if (symbol == null || symbol.isBlank()) {
            throw new IllegalArgumentException("A symbolic dimension needs a non-blank name");
        }
        return Dimension.newBuilder().setDimParam(symbol).build();
    }

    /**
     * A name not used so far in this graph: {@code prefix} itself if free, else {@code prefix_1},
     * {@code prefix_2}, ... The name is reserved so later calls do not return it again; it still
     * has to be defined once (as input, initializer or node output).
     */
    public String uniqueName(String prefix) {
        String name = prefix;
        int n = counters.getOrDefault(prefix, 0);
        while (names.contains(name)) {
            n++;
            name = prefix + "_" + n;
        }
        counters.put(prefix, n);
        names.add(name);
        return name;
    }

    /** Declares a graph input; returns its name. */
    public String addInput(String name, DataType type, Dimension... shape) {
        claim(name, "graph input");
        graph.addInput(valueInfo(name, type, shape));
        defined.add(name);
        return name;
    }

    /**
     * Declares a graph output. The value must be produced by a node added before {@link #toModel()};
     * returns its name.
     */
    public String addOutput(String name, DataType type, Dimension... shape) {
        if (!outputs.add(name)) {
            throw new IllegalArgumentException("Graph output '" + name + "' is declared twice");
        }
        names.add(name);
        graph.addOutput(valueInfo(name, type, shape));
        return name;
    }

    /** A float initializer with the given shape; {@code values.length} must equal the shape's product. */
    public String addInitializer(String name, float[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return addTensor(name, DataType.FLOAT, ByteString.copyFrom(bytes), shape);
    }

    /** An int64 initializer with the given shape; {@code values.length} must equal the shape's product. */
    public String addInitializer(String name, long[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return addTensor(name, DataType.INT64, ByteString.copyFrom(bytes), shape);
    }

    private String addTensor(String name, DataType type, ByteString raw, long[] shape) {
        claim(name, "initializer");
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(raw);
        for (long d : shape) {
            tensor.addDims(d);
        }
        graph.addInitializer(tensor);
        defined.add(name);
        return name;
    }

    /** Starts a node of the default domain; finish it with {@link NodeBuilder#add()}. */
    public NodeBuilder node(String opType) {
        if (opType == null || opType.isBlank()) {
            throw new IllegalArgumentException("A node needs an operator type");
        }
        return new NodeBuilder(opType);
    }

    /** Adds (or replaces) a {@code metadata_props} entry, e.g. config, vocabulary or provenance JSON. */
    public OnnxGraphBuilder putMetadata(String key, String value) {
        if (key == null || key.isEmpty() || value == null) {
            throw new IllegalArgumentException("Metadata needs a non-empty key and a value, got " + key + "=" + value);
        }
        metadata.put(key, value);
        return this;
    }

    /** Sets the producer name and version recorded in the model; defaults to this toolkit. */
    public OnnxGraphBuilder optProducer(String name, String version) {
        this.producerName = name;
        this.producerVersion = version;
        return this;
    }

    /** Sets the model's doc string. */
    public OnnxGraphBuilder optDocString(String docString) {
        this.docString = docString;
        return this;
    }

    /**
     * The graph alone, as the body of a control-flow node ({@code Scan}, {@code Loop}, {@code If});
     * fails as {@link #toModel()} does. Its names must differ from the enclosing graph's.
     */
    public OnnxMl.GraphProto toGraph() {
        checkOutputs();
        return graph.clone().setName(graphName).build();
    }

    private void checkOutputs() {
        if (outputs.isEmpty()) {
            throw new IllegalStateException("Graph '" + graphName + "' declares no outputs");
        }
        for (String out : outputs) {
            if (!defined.contains(out)) {
                throw new IllegalStateException("Graph output '" + out + "' is produced by no node");
            }
        }
    }

    /** The model assembled so far; fails if a declared graph output is produced by no node. */
    public OnnxMl.ModelProto toModel() {
        checkOutputs();
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(producerName)
                .setProducerVersion(producerVersion)
                .setDocString(docString)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph.clone().setName(graphName));
        metadata.forEach((k, v) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    /** Writes {@link #toModel()} to {@code path} via a temporary file and an atomic rename. */
    public void save(Path path) throws IOException {
        write(toModel(), path);
    }

    /**
     * Writes a model to {@code path} via a temporary file in the same directory and an atomic rename
     * ({@link AtomicFiles#write}: readable by others, or with the permissions of the file it replaces).
     */
    public static void write(OnnxMl.ModelProto model, Path path) throws IOException {
        AtomicFiles.write(path, model::writeTo);
    }

    private void claim(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("A " + what + " needs a non-empty name");
        }
        if (defined.contains(name)) {
            throw new IllegalArgumentException("The name '" + name + "' for a " + what + " is already used");
        }
        names.add(name);
    }

    private static void checkCount(String name, int count, long[] shape) {
        long product = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Initializer '" + name + "' has a negative dimension: "
                        + Arrays.toString(shape));
            }
            product *= d;
        }
        if (product != count) {
            throw new IllegalArgumentException("Initializer '" + name + "' has " + count + " values but shape "
                    + Arrays.toString(shape) + " needs " + product);
        }
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, DataType type, Dimension[] shape) {
        OnnxMl.TensorShapeProto.Builder dims = OnnxMl.TensorShapeProto.newBuilder();
        for (Dimension d : shape) {
            dims.addDim(d);
        }
        OnnxMl.TypeProto.Tensor tensor = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber())
                .setShape(dims).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    /** One node under construction: inputs, outputs and attributes, then {@link #add()}. */
    public final class NodeBuilder {
        private final OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder();
        private final List<String> outputNames = new ArrayList<>();
        private final String opType;

        private NodeBuilder(String opType) {
            this.opType = opType;
            node.setOpType(opType);
        }

        /** Appends inputs; an empty string marks an omitted optional input. */
        public NodeBuilder inputs(String... inputs) {
            for (String in : inputs) {
                if (in == null) {
                    throw new IllegalArgumentException(opType + " input is null; use \"\" for an omitted optional input");
                }
                node.addInput(in);
            }
            return this;
        }

        /** Appends outputs with the given names (e.g. a graph output's name). */
        public NodeBuilder outputs(String... names) {
            for (String out : names) {
                if (!out.isEmpty() && (defined.contains(out) || outputNames.contains(out))) {
                    throw new IllegalArgumentException(opType + " output '" + out + "' is already defined");
                }
                outputNames.add(out);
            }
            return this;
        }

        /** Appends {@code count} outputs with fresh names derived from the operator type. */
        public NodeBuilder freshOutputs(int count) {
            for (int i = 0; i < count; i++) {
                outputNames.add(uniqueName(opType.toLowerCase() + "_out"));
            }
            return this;
        }

        public NodeBuilder attr(String name, long value) {
            node.addAttribute(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value));
            return this;
        }

        public NodeBuilder attr(String name, float value) {
            node.addAttribute(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(value));
            return this;
        }

        public NodeBuilder attr(String name, String value) {
            node.addAttribute(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(value)));
            return this;
        }

        public NodeBuilder attr(String name, long[] values) {
            OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            node.addAttribute(a);
            return this;
        }

        public NodeBuilder attr(String name, float[] values) {
            OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
            for (float v : values) {
                a.addFloats(v);
            }
            node.addAttribute(a);
            return this;
        }

        /** A graph attribute: the body of a control-flow node (see {@link OnnxGraphBuilder#toGraph()}). */
        public NodeBuilder attr(String name, OnnxMl.GraphProto body) {
            node.addAttribute(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(body));
            return this;
        }

        public NodeBuilder attr(String name, List<String> values) {
            OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
            for (String v : values) {
                a.addStrings(ByteString.copyFromUtf8(v));
            }
            node.addAttribute(a);
            return this;
        }

        /**
         * Adds the node to the graph after checking that every input is defined; returns the output
         * names in order.
         */
        public List<String> add() {
            if (outputNames.isEmpty()) {
                throw new IllegalStateException(opType + " node has no outputs");
            }
            for (String in : node.getInputList()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new IllegalArgumentException(opType + " node input '" + in
                            + "' is not a graph input, initializer or earlier node output");
                }
            }
            node.setName(uniqueName(opType));
            for (String out : outputNames) {
                if (!out.isEmpty()) {
                    names.add(out);
                    defined.add(out);
                }
                node.addOutput(out);
            }
            graph.addNode(node);
            return List.copyOf(outputNames);
        }

        /** {@link #add()} for a single-output node; returns that output's name. */
        public String addSingle() {
            List<String> out = add();
            if (out.size() != 1) {
                throw new IllegalStateException(opType + " node has " + out.size() + " outputs, not one");
            }
            return out.get(0);
        }
    }
}
