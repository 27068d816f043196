"""`python -m tfldbg extract`: a part of a model as a .tflite of its own.

    python -m tfldbg extract MODEL --nodes A:B -o sub.tflite
    python -m tfldbg extract MODEL --tensors IN1,IN2:OUT1,OUT2 -o sub.tflite

`--nodes A:B` keeps the nodes A..B (inclusive, node indices of the subgraph,
execution order); `--tensors` keeps the nodes that compute OUT... from IN...
(and constants). The result holds exactly those nodes; their constants (the
buffers copied, sparsity and quantization parameters, per-channel included,
as they are); the boundary tensors (values produced outside and read inside) as
graph inputs; the tensors read after the part (or graph outputs) as graph
outputs; operator codes with their versions; custom options; and every subgraph
a control-flow node of the part calls (WHILE, IF, CALL_ONCE, StableHLO bodies),
renumbered. Metadata and signatures of the original are left out (they name
the original's tensors).

The model is rewritten through the flatbuffers object API of the schema LiteRT
ships (ai_edge_litert.schema_py_generated): every table (options of every
operator, sparsity, quantization) is copied field by field by the generated
code, none is listed here. Only subgraph indices inside options are remapped:
every options field named *_subgraph_index.

    from tfldbg.formats.extract import extract
    part = extract("model.tflite", nodes=(3, 7))
    Path("sub.tflite").write_bytes(part.data)
    part.inputs, part.outputs      # original tensor indices, in the new model's order
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

from tfldbg.formats.reading import InputError, open_regular, printable, read_fd

MAX_MODEL_BYTES = 2 << 30  # a flatbuffer addresses 2 GiB


@dataclass
class Extraction:
    data: bytes                    # the new .tflite
    subgraph: int                  # the original subgraph the nodes come from
    nodes: list[int]               # original node indices, in order
    inputs: list[int]              # original tensor indices of the new graph inputs, in order
    outputs: list[int]             # ... of the new graph outputs
    tensor_map: dict[int, int] = field(default_factory=dict)  # original tensor index -> new (subgraph 0)
    subgraph_map: dict[int, int] = field(default_factory=dict)  # original subgraph -> new (called subgraphs)
    added: list[int] = field(default_factory=list)  # nodes outside the request that create resources it reads


def _fb():
    try:
        from ai_edge_litert import schema_py_generated as fb
    except ImportError as e:
        raise RuntimeError("extract needs the ai-edge-litert package (the .tflite schema's object API it ships): "
                           f"pip install ai-edge-litert==2.3.0 ({e})") from None
    return fb


def read_model(path: str | os.PathLike):
    """The model as the object API's ModelT (and its bytes); InputError naming the file if it is none."""
    shown = printable(path)
    fd = open_regular(path, shown)
    try:
        data = read_fd(fd, shown, MAX_MODEL_BYTES)
    finally:
        os.close(fd)
    if len(data) < 8 or data[4:8] != b"TFL3":
        raise InputError(f"{shown}: not a .tflite model (no TFL3 identifier at byte 4)")
    try:
        model = _fb().ModelT.InitFromPackedBuf(data, 0)
    except Exception as e:  # noqa: BLE001 (a damaged flatbuffer raises anything: IndexError, struct.error, ...)
        raise InputError(f"{shown}: not a readable .tflite flatbuffer ({type(e).__name__}: {printable(e)[:120]})") from None
    if not model.subgraphs:
        raise InputError(f"{shown}: the model has no subgraphs")
    return model, data


def tensor_name(t) -> str:
    n = t.name
    return n.decode("utf-8", "replace") if isinstance(n, bytes) else (n or "")


def _has_data(model, data: bytes, t) -> bool:
    if t.buffer is None or t.buffer <= 0 or t.buffer >= len(model.buffers or []):
        return False
    b = model.buffers[t.buffer]
    # A zero-size constant has a buffer of no bytes: kept as it is (LiteRT reads it so).
    return b.data is not None or (b.offset or 0) > 1


def _builtin(model, op) -> int:
    if not 0 <= op.opcodeIndex < len(model.operatorCodes or []):
        return -1
    code = model.operatorCodes[op.opcodeIndex]
    return max(int(code.builtinCode or 0), int(code.deprecatedBuiltinCode or 0))


def _subgraph_fields(options) -> list[str]:
    """The option fields that hold a subgraph index (cond/body/then/else/init/decomposition/... _subgraph_index)."""
    if options is None:
        return []
    return [k for k in vars(options) if k.endswith("SubgraphIndex")]


def _called(op) -> list[int]:
    out = []
    for options in (op.builtinOptions, op.builtinOptions2):
        out += [int(getattr(options, k)) for k in _subgraph_fields(options)]
    return out


def _resolve_tensor(sg, sg_index: int, token: str, shown: str) -> int:
    token = token.strip()
    names = [tensor_name(t) for t in sg.tensors or []]
    hits = [i for i, n in enumerate(names) if n == token]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise InputError(f"{shown}: subgraph {sg_index}: tensor name {token!r} is not unique (tensors {hits}); "
                         "give its index")
    if token.lstrip("-").isdigit():
        i = int(token)
        if 0 <= i < len(names):
            return i
        raise InputError(f"{shown}: subgraph {sg_index}: tensor {i} out of range (the subgraph has {len(names)} "
                         "tensors, 0.." f"{len(names) - 1})")
    raise InputError(f"{shown}: subgraph {sg_index}: no tensor named {printable(token)!r}")


def parse_node_range(text: str) -> tuple[int, int]:
    a, sep, b = str(text).partition(":")
    try:
        first = int(a)
        last = int(b) if sep else first
    except ValueError:
        raise InputError(f"--nodes {printable(text)!r}: expected A:B (node indices, inclusive) or A") from None
    return first, last


def parse_tensor_lists(text: str) -> tuple[list[str], list[str]]:
    ins, sep, outs = str(text).partition(":")
    if not sep:
        raise InputError(f"--tensors {printable(text)!r}: expected IN1,IN2:OUT1,OUT2 (names or indices)")
    split = lambda s: [x for x in (p.strip() for p in s.split(",")) if x]  # noqa: E731
    if not split(outs):
        raise InputError(f"--tensors {printable(text)!r}: no output tensor after ':'")
    return split(ins), split(outs)


def extract(model_path: str | os.PathLike, nodes: tuple[int, int] | None = None,
            tensors: tuple[list[str], list[str]] | None = None, subgraph: int = 0) -> Extraction:
    """The part of `model_path` as an Extraction (its .tflite bytes in `data`).
    Exactly one of `nodes` ((first, last) inclusive) and `tensors` ((inputs, outputs),
    names or index strings) is given. InputError (one line) on a bad request."""
    fb = _fb()
    shown = printable(model_path)
    model, raw = read_model(model_path)
    if (nodes is None) == (tensors is None):
        raise InputError("give exactly one of --nodes A:B and --tensors IN:OUT")
    if not 0 <= subgraph < len(model.subgraphs):
        raise InputError(f"{shown}: subgraph {subgraph} out of range (the model has {len(model.subgraphs)})")
    sg = model.subgraphs[subgraph]
    ops = sg.operators or []
    n_tensors = len(sg.tensors or [])
    if not ops:
        raise InputError(f"{shown}: subgraph {subgraph} has no nodes")

    def tensor_ok(t: int, where: str) -> None:
        if not -1 <= t < n_tensors:
            raise InputError(f"{shown}: subgraph {subgraph} {where}: tensor {t} out of range ({n_tensors} tensors)")

    for op in ops:  # absent vectors read as empty
        op.inputs = [] if op.inputs is None else op.inputs
        op.outputs = [] if op.outputs is None else op.outputs
    for k, op in enumerate(ops):
        for t in list(op.inputs if op.inputs is not None else []) + list(op.outputs if op.outputs is not None else []) \
                + list(op.intermediates if op.intermediates is not None else []):
            tensor_ok(int(t), f"node {k}")
    constant = {i for i, t in enumerate(sg.tensors or []) if _has_data(model, raw, t)}
    variable = {i for i, t in enumerate(sg.tensors or []) if t.isVariable}
    producer = {int(t): k for k, op in enumerate(ops) for t in (op.outputs if op.outputs is not None else []) if t >= 0}

    if nodes is not None:
        first, last = nodes
        if first > last:
            raise InputError(f"--nodes {first}:{last}: the first node is after the last")
        if not (0 <= first < len(ops) and 0 <= last < len(ops)):
            raise InputError(f"{shown}: subgraph {subgraph}: --nodes {first}:{last} out of range (the subgraph has "
                             f"{len(ops)} nodes, 0..{len(ops) - 1})")
        selected = list(range(first, last + 1))
        given_inputs = None
    else:
        ins = [_resolve_tensor(sg, subgraph, x, shown) for x in tensors[0]]
        outs = [_resolve_tensor(sg, subgraph, x, shown) for x in tensors[1]]
        stop = set(ins)
        chosen: set[int] = set()
        todo = list(outs)
        seen: set[int] = set()
        for o in outs:
            if o in stop:
                raise InputError(f"--tensors: {tensor_name(sg.tensors[o])!r} (tensor {o}) is both an input and an output")
        while todo:
            t = todo.pop()
            if t in seen or t < 0:
                continue
            seen.add(t)
            if t in stop or t in constant or (t in variable and t not in producer):
                continue
            if t not in producer:
                raise InputError(f"{shown}: subgraph {subgraph}: --tensors: the outputs depend on "
                                 f"{tensor_name(sg.tensors[t])!r} (tensor {t}), which no node produces and which is not "
                                 "among the inputs given")
            k = producer[t]
            chosen.add(k)
            todo.extend(int(x) for x in ops[k].inputs if x >= 0)
        selected = sorted(chosen)
        if not selected:
            raise InputError("--tensors: the outputs need no node")
        read = {int(x) for k in selected for x in ops[k].inputs if x >= 0}
        unused = [i for i in ins if i not in read]
        if unused:
            raise InputError(f"--tensors: input {tensor_name(sg.tensors[unused[0]])!r} (tensor {unused[0]}) is not read by "
                             "the nodes that compute the outputs")
        given_inputs, given_outputs = ins, outs

    # A resource handle (a variable's, a hash table's) cannot be fed: the node that
    # creates it (VAR_HANDLE, HASHTABLE) joins the part, with the CALL_ONCE nodes
    # before the part that initialise the resources.
    resource = {i for i, t in enumerate(sg.tensors or []) if t.type in (fb.TensorType.RESOURCE, fb.TensorType.VARIANT)}
    added: list[int] = []
    while True:
        inside = set(selected)
        made = {int(t) for k in selected for t in ops[k].outputs if t >= 0}
        need = {producer[int(t)] for k in selected for t in ops[k].inputs
                if int(t) in resource and int(t) not in made and int(t) in producer}
        if need - inside:
            added += sorted(need - inside)
            selected = sorted(inside | need)
            continue
        break
    touches_resource = any(int(t) in resource for k in selected
                           for t in list(ops[k].inputs) + list(ops[k].outputs) if t >= 0)
    if touches_resource:
        call_once = getattr(fb.BuiltinOperator, "CALL_ONCE")
        init = [k for k in range(selected[0]) if _builtin(model, ops[k]) == call_once]
        added += init
        selected = sorted(set(selected) | set(init))
    chosen_set = set(selected)
    produced: list[int] = []
    consumed: list[int] = []
    for k in selected:
        produced += [int(t) for t in ops[k].outputs if t >= 0 and int(t) not in produced]
        consumed += [int(t) for t in ops[k].inputs if t >= 0 and int(t) not in consumed]
    produced_set = set(produced)
    if given_inputs is not None:
        inputs = list(given_inputs)
        outputs = list(given_outputs)
    else:
        # A variable is state the part keeps (an LSTM's), unless the graph feeds it (a variable graph input).
        graph_in = {int(t) for t in (sg.inputs if sg.inputs is not None else [])}
        inputs = [t for t in consumed if t not in produced_set and t not in constant
                  and (t not in variable or t in graph_in)]
        read_outside = {int(t) for k, op in enumerate(ops) if k not in chosen_set for t in op.inputs if t >= 0}
        graph_out = {int(t) for t in (sg.outputs if sg.outputs is not None else [])}
        outputs = [t for t in produced if (t in read_outside or t in graph_out) and t not in resource]
        if not outputs:  # nothing reads the part's values afterwards: its last node's outputs
            outputs = [int(t) for t in ops[selected[-1]].outputs if t >= 0 and int(t) not in resource]
        if not outputs:
            raise InputError(f"{shown}: subgraph {subgraph}: the nodes produce no value that could be an output "
                             "(only resource handles, or nothing)")

    # Called subgraphs, transitively, in order of discovery.
    sub_map: dict[int, int] = {}
    queue = [s for k in selected for s in _called(ops[k])]
    while queue:
        s = queue.pop(0)
        if s in sub_map:
            continue
        if not 0 <= s < len(model.subgraphs):
            raise InputError(f"{shown}: a control-flow node calls subgraph {s}, out of range "
                             f"({len(model.subgraphs)} subgraphs)")
        sub_map[s] = len(sub_map) + 1
        queue += [c for op in model.subgraphs[s].operators or [] for c in _called(op)]

    # Buffers: buffer 0 empty, then the kept tensors' data in order of first use.
    new_buffers = [fb.BufferT()]
    buffer_map: dict[int, int] = {}

    def buffer_of(t) -> int:
        if not _has_data(model, raw, t):
            return 0
        old = int(t.buffer)
        if old not in buffer_map:
            src = model.buffers[old]
            b = fb.BufferT()
            if (src.offset or 0) > 1:  # data stored after the flatbuffer (models past 2 GiB): copied inline
                if src.offset + src.size > len(raw):
                    raise InputError(f"{shown}: buffer {old} lies past the end of the file")
                b.data = raw[src.offset:src.offset + src.size]
            else:
                b.data = src.data
            new_buffers.append(b)
            buffer_map[old] = len(new_buffers) - 1
        return buffer_map[old]

    opcode_map: dict[int, int] = {}
    new_codes = []

    def copy_op(op, tmap: dict[int, int] | None):
        new = copy.copy(op)
        if not 0 <= op.opcodeIndex < len(model.operatorCodes or []):
            raise InputError(f"{shown}: a node's opcode_index {op.opcodeIndex} is out of range")
        if op.opcodeIndex not in opcode_map:
            opcode_map[op.opcodeIndex] = len(new_codes)
            new_codes.append(model.operatorCodes[op.opcodeIndex])
        new.opcodeIndex = opcode_map[op.opcodeIndex]
        if (op.largeCustomOptionsSize or 0) > 0:  # custom options kept after the flatbuffer: copied inline
            at, size = int(op.largeCustomOptionsOffset or 0), int(op.largeCustomOptionsSize)
            if at <= 1 or at + size > len(raw):
                raise InputError(f"{shown}: a node's large custom options lie outside the file")
            new.customOptions = raw[at:at + size]
            new.largeCustomOptionsOffset, new.largeCustomOptionsSize = 0, 0
        if tmap is not None:
            remap = lambda xs: None if xs is None else [tmap[int(x)] if x >= 0 else -1 for x in xs]  # noqa: E731
            new.inputs, new.outputs, new.intermediates = remap(op.inputs), remap(op.outputs), remap(op.intermediates)
        for attr in ("builtinOptions", "builtinOptions2"):
            options = getattr(op, attr)
            names = _subgraph_fields(options)
            if names:
                options = copy.copy(options)
                for k in names:
                    setattr(options, k, sub_map[int(getattr(options, k))])
                setattr(new, attr, options)
        return new

    def copy_tensor(t):
        new = copy.copy(t)
        new.buffer = buffer_of(t)
        return new

    # The new main subgraph: the kept tensors in their original order.
    kept = set(inputs) | set(outputs)
    for k in selected:
        for group in (ops[k].inputs, ops[k].outputs, ops[k].intermediates):
            kept |= {int(t) for t in (group if group is not None else []) if t >= 0}
    order = sorted(kept)
    tmap = {old: new for new, old in enumerate(order)}
    main = fb.SubGraphT()
    main.tensors = [copy_tensor(sg.tensors[t]) for t in order]
    main.operators = [copy_op(ops[k], tmap) for k in selected]
    main.inputs = [tmap[t] for t in inputs]
    main.outputs = [tmap[t] for t in outputs]
    main.name = sg.name
    subgraphs = [main]
    for old in sorted(sub_map, key=sub_map.get):
        src = model.subgraphs[old]
        part = copy.copy(src)
        part.tensors = [copy_tensor(t) for t in src.tensors or []]
        part.operators = [copy_op(op, None) for op in src.operators or []]
        subgraphs.append(part)

    out = fb.ModelT()
    out.version = model.version or 3
    out.operatorCodes = new_codes
    out.subgraphs = subgraphs
    out.buffers = new_buffers
    how = f"nodes {nodes[0]}..{nodes[1]}" if nodes is not None else f"{len(selected)} nodes"
    out.description = f"tfldbg extract: subgraph {subgraph} {how} of {Path(os.fspath(model_path)).name}"
    import flatbuffers

    builder = flatbuffers.Builder(max(1024, len(raw) // 2))
    try:
        builder.Finish(out.Pack(builder), file_identifier=b"TFL3")
    except Exception as e:  # noqa: BLE001 (a damaged table read back as something the writer cannot write)
        raise InputError(f"{shown}: the part cannot be written ({type(e).__name__}: {printable(e)[:120]})") from None
    return Extraction(bytes(builder.Output()), subgraph, selected, inputs, outputs, tmap, sub_map, sorted(added))


def add_arguments(p) -> None:
    p.add_argument("model")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--nodes", metavar="A:B", help="the nodes A..B (inclusive; node indices of the subgraph)")
    which.add_argument("--tensors", metavar="IN1,IN2:OUT1,...",
                       help="the nodes computing OUT... from IN... (tensor names or indices)")
    p.add_argument("--subgraph", type=int, default=0, help="the subgraph the nodes come from (default 0)")
    p.add_argument("-o", "--out", required=True, metavar="FILE.tflite", help="the .tflite to write")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--check", metavar="DUMP",
                   help="then run the part in LiteRT fed DUMP's values of its inputs (a dump of the whole model: "
                        "`python -m tfldbg reference` or `tfldbg dump`) and compare its outputs with DUMP's, bit for "
                        "bit (exit 1 if one differs)")
