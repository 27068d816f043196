"""A drop-in for `ai_edge_litert.interpreter.Interpreter` (and
`tf.lite.Interpreter`) running tfldbg's kernels. Swap one import line:

    from tfldbg.lite import Interpreter      # was: from ai_edge_litert.interpreter import Interpreter

Unlike LiteRT, `get_tensor(i)` is valid for every tensor after `invoke` (the
no-reuse planner: no tensor shares memory), with no
`experimental_preserve_all_tensors` and no change to the kernels. Delegates,
op resolvers and the other `experimental_*` options are accepted and ignored
(tfldbg has one set of kernels). docs/python.md lists what differs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tfldbg.interpreter import Interpreter as _Interpreter
from tfldbg.interpreter import _engine

__all__ = ["Interpreter", "SignatureRunner", "OpResolverType"]


class OpResolverType:
    """LiteRT's op resolver names, accepted for compatibility (tfldbg has one)."""

    AUTO = 0
    BUILTIN = 1
    BUILTIN_REF = 2
    BUILTIN_WITHOUT_DEFAULT_DELEGATES = 3


def _numpy_type(name: str):
    return np.dtype(name).type if name in np.sctypeDict else np.uint8


def _litert_details(d: dict) -> dict:
    scales = np.array(d["scale"], dtype=np.float32)
    zero_points = np.array(d["zero_point"], dtype=np.int32)
    quant = (float(scales[0]), int(zero_points[0])) if len(scales) == 1 else (0.0, 0)
    shape = np.array(d["shape"], dtype=np.int32)
    return {
        "name": d["name"],
        "index": d["index"],
        "shape": shape,
        "shape_signature": np.array(d["shape_signature"], dtype=np.int32),
        "dtype": _numpy_type(d["dtype"]),
        "quantization": quant,
        "quantization_parameters": {"scales": scales, "zero_points": zero_points,
                                    "quantized_dimension": d["quantized_dimension"], "block_size": 0},
        "sparsity_parameters": {},
    }


class Interpreter:
    """LiteRT's Interpreter interface over tfldbg (model_path or model_content)."""

    def __init__(self, model_path: str | None = None, model_content: bytes | None = None,
                 experimental_delegates: Any = None, num_threads: int | None = None,
                 experimental_op_resolver_type: Any = OpResolverType.AUTO,
                 experimental_preserve_all_tensors: bool = False, **_ignored: Any):
        if (model_path is None) == (model_content is None):
            raise ValueError("give exactly one of model_path and model_content")
        self._model = _engine().Model.load(model_path if model_path is not None else bytes(model_content))
        self._threads = max(1, int(num_threads or 1))
        self._shapes: dict[int, list[int]] = {}
        self._interp: _Interpreter | None = None
        self._ops: list[dict] | None = None
        self._build()

    def _build(self) -> None:
        shapes = {str(pos): shape for pos, shape in self._shapes.items()}
        self._interp = _Interpreter(self._model, planner="no-reuse", threads=self._threads, input_shapes=shapes)
        self._input_pos = {d["index"]: pos for pos, d in enumerate(self._interp.inputs)}
        self._dirty = False

    # --- LiteRT's interface -------------------------------------------------------------------

    def allocate_tensors(self) -> None:
        if self._dirty:
            self._build()

    def get_input_details(self) -> list[dict]:
        return [_litert_details(d) for d in self._interp.inputs]

    def get_output_details(self) -> list[dict]:
        return [_litert_details(d) for d in self._interp.outputs]

    def get_tensor_details(self) -> list[dict]:
        return [_litert_details(d) for d in self._interp.tensors]

    def resize_tensor_input(self, input_index: int, tensor_size, strict: bool = False) -> None:
        """Resizes an input (by tensor index, as LiteRT); takes effect at allocate_tensors."""
        if input_index not in self._input_pos:
            raise ValueError(f"tensor {input_index} is not an input of the model")
        self._shapes[self._input_pos[input_index]] = [int(v) for v in tensor_size]
        self._dirty = True

    def set_tensor(self, tensor_index: int, value) -> None:
        if self._dirty:
            raise RuntimeError("call allocate_tensors() after resize_tensor_input()")
        if tensor_index not in self._input_pos:
            raise ValueError(f"tensor {tensor_index} is not an input: tfldbg sets inputs only")
        d = self._interp.inputs[self._input_pos[tensor_index]]
        value = np.asarray(value)
        if value.dtype != np.dtype(_numpy_type(d["dtype"])):
            raise ValueError(f"Cannot set tensor: Got value of type {value.dtype.name.upper()} but expected type "
                             f"{np.dtype(_numpy_type(d['dtype'])).name.upper()} for input {tensor_index}, "
                             f"name: {d['name']}")
        if tuple(value.shape) != tuple(d["shape"]):
            raise ValueError(f"Cannot set tensor: Dimension mismatch. Got {list(value.shape)} but expected "
                             f"{list(d['shape'])} for input {tensor_index}.")
        self._interp.set_input(self._input_pos[tensor_index], value)

    def invoke(self) -> None:
        if self._dirty:
            raise RuntimeError("call allocate_tensors() after resize_tensor_input()")
        self._interp.invoke()

    def get_tensor(self, tensor_index: int, subgraph_index: int = 0) -> np.ndarray:
        """A copy of any tensor's values after invoke (every intermediate too)."""
        if subgraph_index != 0:
            raise ValueError("tfldbg.lite reads the tensors of subgraph 0 only")
        return self._interp.tensor(tensor_index)

    def tensor(self, tensor_index: int):
        """LiteRT's zero-copy accessor: a function returning a read-only view."""
        return lambda: self._interp.tensor(tensor_index, copy=False)

    def get_signature_list(self) -> dict[str, dict[str, list[str]]]:
        return {s["key"]: {"inputs": [n for n, _ in s["inputs"]], "outputs": [n for n, _ in s["outputs"]]}
                for s in self._model.signatures}

    def get_signature_runner(self, signature_key: str | None = None) -> "SignatureRunner":
        signatures = self._model.signatures
        if signature_key is None:
            if len(signatures) != 1:
                raise ValueError(f"SignatureDef signature_key is None and model has {len(signatures)} Signatures. "
                                 "None is only allowed when the model has 1 SignatureDef")
            signature_key = signatures[0]["key"]
        for s in signatures:
            if s["key"] == signature_key:
                return SignatureRunner(self, s)
        raise ValueError(f"Invalid signature_key provided: {signature_key!r}")

    def _get_ops_details(self) -> list[dict]:
        """Each operator of subgraph 0: index, op_name, inputs, outputs (tensor
        indices), operand_types, result_types. Learnt once from a run of a
        separate interpreter on seeded inputs."""
        if self._ops is None:
            probe = _Interpreter(self._model, planner="no-reuse", input_shapes={str(k): v for k, v in self._shapes.items()})
            ops: dict[int, dict] = {}
            types = [_numpy_type(d["dtype"]) for d in probe.tensors]

            def record(step) -> None:
                if step.subgraph == 0 and step.node not in ops:
                    ops[step.node] = {
                        "index": step.node, "op_name": step.op,
                        "inputs": np.array(step.input_indices, dtype=np.int32),
                        "outputs": np.array(step.output_indices, dtype=np.int32),
                        "operand_types": [types[i] for i in step.input_indices if i >= 0],
                        "result_types": [types[i] for i in step.output_indices if i >= 0],
                    }

            probe.set_inputs(seed=0)
            probe.invoke(on_node=record)
            self._ops = [ops[k] for k in sorted(ops)]
        return self._ops

    def get_tensor_details_by_name(self) -> dict[str, dict]:  # not LiteRT's; a convenience
        return {d["name"]: d for d in self.get_tensor_details()}


class SignatureRunner:
    """LiteRT's SignatureRunner: runner(**inputs) -> {output name: array}."""

    def __init__(self, owner: Interpreter, signature: dict):
        self._signature = signature
        self._interp = _Interpreter(owner._model, planner="no-reuse", signature=signature["key"],
                                    threads=owner._threads)
        by_index = {d["index"]: d for d in self._interp.tensors}
        self._inputs = {name: by_index[i] for name, i in signature["inputs"]}
        self._outputs = {name: by_index[i] for name, i in signature["outputs"]}

    def get_input_details(self) -> dict[str, dict]:
        return {name: _litert_details(d) for name, d in self._inputs.items()}

    def get_output_details(self) -> dict[str, dict]:
        return {name: _litert_details(d) for name, d in self._outputs.items()}

    def __call__(self, **kwargs) -> dict[str, np.ndarray]:
        missing = set(self._inputs) - set(kwargs)
        unknown = set(kwargs) - set(self._inputs)
        if missing or unknown:
            raise ValueError(f"signature {self._signature['key']!r} takes inputs {sorted(self._inputs)}"
                             + (f"; missing {sorted(missing)}" if missing else "")
                             + (f"; unknown {sorted(unknown)}" if unknown else ""))
        for name, value in kwargs.items():
            self._interp.set_input(name, value)
        self._interp.invoke()
        return {name: self._interp.tensor(d["index"]) for name, d in self._outputs.items()}
