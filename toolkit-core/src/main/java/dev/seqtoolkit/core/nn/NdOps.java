package dev.seqtoolkit.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/** Small array helpers (package-private). */
final class NdOps {
    private NdOps() {}

    /**
     * Concatenates along {@code axis}; a single array is returned as is. (DJL's {@code
     * NDArrays.concat} returns {@code duplicate()} for one array, which on the PyTorch engine is cut
     * from the autograd graph: gradients through it are silently lost.)
     */
    static NDArray concat(NDList arrays, int axis) {
        return arrays.size() == 1 ? arrays.get(0) : NDArrays.concat(arrays, axis);
    }
}
