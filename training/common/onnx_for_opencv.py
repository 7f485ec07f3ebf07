"""ONNX clean-up that OpenCV 4.6's importer needs (see ../shared/notes.md).

torch 1.13's exporter de-duplicates identical weights and feeds them through
`Identity` nodes on initializers; OpenCV 4.6 rejects those nodes. Each such node is
replaced by a copy of the initializer under the node's output name.
"""
from onnx import numpy_helper


def fold_identity_initializers(model_proto):
    """Rewrites `model_proto` in place and returns it."""
    g = model_proto.graph
    inits = {i.name: i for i in g.initializer}
    keep = []
    for node in g.node:
        if node.op_type == "Identity" and node.input[0] in inits:
            arr = numpy_helper.to_array(inits[node.input[0]])
            g.initializer.append(numpy_helper.from_array(arr, node.output[0]))
        else:
            keep.append(node)
    del g.node[:]
    g.node.extend(keep)
    return model_proto
