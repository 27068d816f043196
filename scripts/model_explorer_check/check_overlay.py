"""Checks an overlay written by `python -m tfldbg overlay` against Google's Model Explorer.

Not part of CI (Model Explorer's TFLite adapter is a ~480 MB wheel). Run it in a
throwaway virtualenv with the pinned packages of requirements.txt beside this file:

    python3 -m venv /tmp/me && /tmp/me/bin/pip install -r scripts/model_explorer_check/requirements.txt
    /tmp/me/bin/python scripts/model_explorer_check/check_overlay.py MODEL.tflite node_data.json

It parses the node data into Model Explorer's own dataclasses (strictly: unknown
or mistyped fields fail), hands it to its config API the way
`model_explorer.visualize` would load it, and checks that every graph id and
node id exists in the graphs Model Explorer's TFLite adapter builds from MODEL.
Exit 0 when all holds; one line per problem otherwise.
"""

from __future__ import annotations

import json
import sys

import dacite
import model_explorer
from model_explorer import node_data_builder as ndb
from model_explorer.builtin_tflite_flatbuffer_adapter import BuiltinTfliteFlatbufferAdapter


def main(model: str, node_data_path: str) -> int:
    raw = json.load(open(node_data_path))
    problems = []
    graphs = {}
    for graph_id, data in raw.items():
        try:
            graphs[graph_id] = dacite.from_dict(ndb.GraphNodeData, data, config=dacite.Config(strict=True))
        except dacite.DaciteError as e:
            problems.append(f"graph {graph_id!r}: {e}")
    model_data = ndb.ModelNodeData(graphsData=graphs)
    json.loads(model_data.to_json_string())  # round trip through Model Explorer's own writer
    config = model_explorer.config()
    config.add_model_from_path(model).add_node_data_from_path(node_data_path)
    collections = BuiltinTfliteFlatbufferAdapter().convert(model, {})["graphCollections"]
    nodes = {}
    for collection in collections:
        graphs_of = collection["graphs"] if isinstance(collection, dict) else collection.graphs
        for g in graphs_of:
            gid, gnodes = (g["id"], g["nodes"]) if isinstance(g, dict) else (g.id, g.nodes)
            nodes[gid] = {n["id"] if isinstance(n, dict) else n.id for n in gnodes}
    for graph_id, data in graphs.items():
        if graph_id not in nodes:
            problems.append(f"graph {graph_id!r} is not among Model Explorer's graphs {sorted(nodes)}")
            continue
        missing = sorted(set(data.results) - nodes[graph_id], key=int)
        if missing:
            problems.append(f"graph {graph_id!r}: nodes {missing} do not exist")
    for p in problems:
        print(p)
    if not problems:
        print(f"ok: {sum(len(g.results) for g in graphs.values())} node values in {len(graphs)} graph(s) load into "
              f"Model Explorer {getattr(model_explorer, '__version__', '')} and name existing nodes")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
