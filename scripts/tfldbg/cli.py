"""The one entry point of every tfldbg command: `tfldbg COMMAND ...` (the console
script) and `python -m tfldbg COMMAND ...` are the same program.

Engine commands run the C++ interpreter (the `tfldbg` binary the package finds,
see tfldbg.backends.engine): info, run, dump, graph, replay, ops.
Analysis commands run here: reference (LiteRT's values as a dump), compare (two
dumps), merge-stats (stats of dataset shards into one), quant-report (per-layer
quantization error from `tfldbg replay`), overlay (a report's metric on the
graph: Model Explorer node data and tfldbg's HTML graph), explain (one quantized
node recomputed in integer arithmetic, step by step), align (a quantized model's
tensors paired with its float original's), qd-cross-check (our local error next
to TensorFlow's QuantizationDebugger), conformance-table (every real and LiteRT
test model against LiteRT), divergence (where LiteRT's optimized kernels or its
XNNPACK default path depart from its reference kernels, node by node), extract (nodes of a model as a .tflite
of their own), repro (the first node where two dumps differ as a one-op model,
its inputs, both outputs and a LiteRT script), sensitivity (which quantized nodes
to keep in float: per-node output error, ranking, greedy deny-list).
Exit codes: 0 success / within tolerance, 1 differences (or the engine refused
the model), 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Commands the C++ binary implements; their arguments pass through unchanged.
ENGINE_COMMANDS = {
    "info": "subgraphs, signatures, ops, tensors, quantization, memory plans of a model",
    "run": "run a model once and print its outputs",
    "dump": "run a model and write every intermediate tensor as .npy + manifest.json",
    "graph": "draw the graph (.html, .svg, .dot)",
    "replay": "write a quantized run and its local and accumulated float references",
    "ops": "every operator of the schema: its family, the types tfldbg runs, or why it does not",
    "cpu-check": "run a model on the scalar kernels and every fast CPU path and thread count; compare every tensor",
}


def _reference(args) -> int:
    from tfldbg.backends.litert import write_reference

    out = write_reference(args.model, args.out, args.input or [], args.like, args.force, args.kernels)
    print(f"tfldbg reference: wrote LiteRT's tensors to {out}", file=sys.stderr)
    return 0


def _compare(args) -> int:
    from tfldbg.analysis.compare import compare_dumps, format_table, write_csv, write_json
    from tfldbg.formats.dump import load_dump

    result = compare_dumps(load_dump(args.a), load_dump(args.b), args.rtol, args.atol, args.lsb)
    print(format_table(result, only_failures=args.failures_only))
    if args.json:
        write_json(result, args.json)
    if args.csv:
        write_csv(result, args.csv)
    return 0 if result else 1


def _extract(args) -> int:
    from tfldbg.analysis.repro import extract_command as run

    return run(args)


def _repro(args) -> int:
    from tfldbg.analysis.repro import run

    return run(args)


def _divergence(args) -> int:
    from tfldbg.analysis.divergence import run

    return run(args)


def _merge_stats(args) -> int:
    import json

    from tfldbg.analysis.stats import merge_stats

    merged = merge_stats(args.inputs)
    with open(args.out, "w") as f:
        json.dump(merged, f, indent=1)
    print(f"tfldbg merge-stats: {len(merged['samples'])} samples, {len(merged['tensors'])} tensors -> {args.out}",
          file=sys.stderr)
    return 0


def _quant_report(args) -> int:
    from tfldbg.analysis import quant_report as qr
    from tfldbg.render import report as render

    layers: dict = {}
    if args.ray_shards is not None and args.ray is None:
        raise ValueError("--ray-shards needs --ray")
    if args.ray is not None:
        from tfldbg.distributed import ray_address_or_model

        args.ray, swallowed = ray_address_or_model(args.ray)  # `--ray MODEL ...`: MODEL is not an address
        if swallowed is not None:
            if args.model:
                raise ValueError(f"--ray {swallowed}: expected auto, local, ray://HOST:PORT or HOST:PORT")
            args.model = swallowed
        if args.replays:
            raise ValueError("--ray runs the replays itself: give MODEL --dataset DIR, not --replays")
    if args.replays:
        for d in args.replays:
            qr.fold_replay(layers, Path(d))
        samples, model = len(args.replays), args.model or args.replays[0]
    else:
        if not args.model:
            raise ValueError("give MODEL (and inputs) or --replays DIR ...")
        if args.dataset:
            sample_args = qr.dataset_samples(args.dataset)
        else:
            one = [a for i in args.input or [] for a in ("--input", i)]
            one += ["--inputs", args.inputs] if args.inputs else []
            one += ["--seed", str(args.seed)] if args.seed is not None else []
            sample_args = [one]
        if args.ray is not None:
            if not args.dataset:
                raise ValueError("--ray needs --dataset (it splits the dataset's samples into shards run as Ray tasks)")
            import functools

            from tfldbg.distributed import run_sharded

            absolute = lambda p: str(Path(p).resolve()) if p else p  # noqa: E731 - workers need not share our cwd
            partial = functools.partial(qr.shard_records, model=absolute(args.model),
                                        weights_from=absolute(args.weights_from), rounding=args.rounding,
                                        float_model=absolute(args.float))
            sample_args = qr.dataset_samples(absolute(args.dataset))
            layers = run_sharded(partial, sample_args, qr.merge_records, ray_address=args.ray, shards=args.ray_shards)
        else:
            qr.run_replays(args.model, sample_args, args.weights_from, args.rounding, layers, args.float)
        samples, model = len(sample_args), args.model
    if not layers:
        raise ValueError(f"{model}: no quantized layers (no step output has a scale)")
    report = qr.build_report(layers, str(model), samples, args.sort)
    if args.divergence:
        if not args.model:
            raise ValueError("--divergence needs MODEL (it runs the model on both kernel sets)")
        from tfldbg.analysis.divergence import divergence

        one = [a for i in args.input or [] for a in ("--input", i)]
        one += ["--inputs", args.inputs] if args.inputs else []
        one += ["--seed", str(args.seed if args.seed is not None else 0)] if not one or args.seed is not None else []
        report["divergence"] = divergence(args.model, one, kernels=args.divergence_kernels)
    print(render.format_table(report))
    for d in report.get("diagnosis", []):
        causes = "; ".join(c["text"] for c in d["causes"]) or "no single cause stands out"
        print(f"diagnosis: step {d['step']} {d['op']} {d['name'][:50]}: {causes}", file=sys.stderr)
    if args.csv:
        render.write_csv(report, args.csv)
    if args.json:
        qr.write_json(report, args.json)
    if args.markdown:
        Path(args.markdown).write_text(render.markdown(report))
    if args.html:
        Path(args.html).write_text(render.html_report(report))
    return 0


def _sensitivity(args) -> int:
    from tfldbg.analysis import quant_report as qr
    from tfldbg.analysis import sensitivity as sens

    if args.ray_shards is not None and args.ray is None:
        raise ValueError("--ray-shards needs --ray")
    samples = qr.dataset_samples(args.dataset)
    extra = ["--rounding", args.rounding] if args.rounding else []
    weights = None if args.dequantized_weights else args.float
    runner = None
    if args.ray is not None:
        import functools

        from tfldbg.distributed import run_sharded

        absolute = lambda p: str(Path(p).resolve()) if p else p  # noqa: E731 - workers need not share our cwd
        samples = qr.dataset_samples(absolute(args.dataset))
        outputs = sens.model_nodes(args.model)["outputs"]
        float_outputs = None
        if args.float:
            sg = sens.model_info(args.float)["subgraphs"][0]
            float_outputs = [sg["tensors"][t]["name"] for t in sg["outputs"]]

        def ray_runner(sets):
            work = functools.partial(sens.shard_partial, model=absolute(args.model), sets=sets, outputs=outputs,
                                     float_model=absolute(args.float), float_outputs=float_outputs,
                                     extra_args=extra, weights_from=absolute(weights))
            return run_sharded(work, samples, sens.merge, ray_address=args.ray, shards=args.ray_shards)

        runner = ray_runner
    report = sens.analyse(args.model, samples, args.metric, args.target, args.float, extra,
                          max_nodes=args.max_float, log=lambda m: print(m, file=sys.stderr),
                          all_nodes=args.all_nodes, weights_from=weights, runner=runner)
    print(sens.format_table(report))
    if args.json:
        sens.write_json(report, args.json)
    if args.out:
        files = sens.write_outputs(report, args.out)
        print("tfldbg sensitivity: wrote " + ", ".join(str(f) for f in files), file=sys.stderr)
    return 0


def _overlay(args) -> int:
    from tfldbg.render.overlay import write

    write(args.report, args.metric, args.side, args.out, args.graph_overlay, args.graph_html)
    print(f"tfldbg overlay: wrote {args.out}" + (f" and {args.graph_html}" if args.graph_html else ""), file=sys.stderr)
    return 0


def _explain(args) -> int:
    import json

    from tfldbg.formats.dump import load_dump
    from tfldbg.analysis.explain import explain

    index = tuple(int(i) for i in args.index.split(",")) if args.index else None
    result = explain(load_dump(args.dump), args.step, index, args.rounding, args.kernels)
    print(json.dumps(result.to_json(), indent=1) if args.json else result.text())
    return 0 if result.differing == 0 else 1


def _align(args) -> int:
    import json

    from tfldbg.analysis.align import align_paths, format_table

    alignment = align_paths(args.quant, args.float)
    print(format_table(alignment))
    if args.json:
        Path(args.json).write_text(json.dumps(alignment.to_json(), indent=1) + "\n")
    return 0


def _qd_cross_check(args) -> int:
    from tfldbg.analysis import quant_debugger

    return quant_debugger.run(args)


def _conformance_table(args) -> int:
    from tfldbg.testing import conformance_table

    return conformance_table.run(args)


def _ops_doc(args) -> int:
    import json

    from tfldbg.backends.engine import run_tool
    from tfldbg.render.ops_doc import render

    text = render(json.loads(run_tool("ops", "--json").stdout))
    if args.out:
        Path(args.out).write_text(text)
    else:
        print(text, end="")
    return 0


def _sweep_coverage(args) -> int:
    from tfldbg.testing import coverage

    return coverage.run(args)


def _engine(command: str, argv: list[str]) -> int:
    import subprocess

    from tfldbg.backends.engine import find_binary

    code = subprocess.call([str(find_binary()), command, *argv])
    if command == "dump" and any(a in ("--help", "-h") for a in argv):
        print("\nRay (this Python entry point only; docs/ray.md):\n"
              "  --ray [ADDRESS]             with --stats-only --dataset DIR: run the shards as Ray tasks and merge\n"
              "                              them (equal to one local run); ADDRESS: auto, local, ray://HOST:10001\n"
              "  --ray-shards N              with --ray: number of shards (default: the cluster's CPUs)")
    return code


def add_ray_arguments(p: argparse.ArgumentParser) -> None:
    """--ray [ADDRESS] and --ray-shards N of the dataset commands (docs/ray.md)."""
    p.add_argument("--ray", nargs="?", const="", metavar="ADDRESS",
                   help="with --dataset: split the samples into shards run as Ray tasks and merge them (equal to a "
                        "local run, number for number); ADDRESS: auto (the cluster `ray start --head` started here), "
                        "ray://HOST:10001, or none (Ray's default: a running local cluster, else a new one). Needs "
                        "the optional dependency Ray (docs/ray.md)")
    p.add_argument("--ray-shards", type=int, metavar="N", help="with --ray: number of shards (default: the cluster's CPUs)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tfldbg", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, summary in ENGINE_COMMANDS.items():
        sub.add_parser(name, help=summary + " (C++ engine; `tfldbg " + name + " --help`)", add_help=False)

    p = sub.add_parser("reference", help="run LiteRT (reference kernels, all tensors kept) and write its values as a dump")
    p.add_argument("model")
    p.add_argument("--out", "-o", required=True, help="dump directory to create")
    p.add_argument("--input", action="append", metavar="NAME=FILE.npy", help="value of one input (name or position)")
    p.add_argument("--like", metavar="DUMP", help="use the inputs recorded in this tfldbg dump")
    p.add_argument("--force", action="store_true", help="replace an existing tfldbg dump (or empty directory); nothing else")
    p.add_argument("--kernels", choices=["reference", "optimized", "xnnpack"], default="reference",
                   help="LiteRT's reference kernels (the oracle, default), its optimized CPU kernels without the "
                        "XNNPACK delegate (every tensor kept either way), or xnnpack: its default CPU path with the "
                        "XNNPACK delegate, where only the graph's outputs have values (the delegate keeps no "
                        "intermediates; compare then checks the outputs)")
    p.set_defaults(run=_reference)

    p = sub.add_parser("compare", help="compare two dumps tensor by tensor (exit 0 within tolerance, 1 otherwise)")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--rtol", type=float, default=1e-5, help="relative tolerance for float tensors (default 1e-5)")
    p.add_argument("--atol", type=float, default=1e-6, help="absolute tolerance for float tensors (default 1e-6)")
    p.add_argument("--lsb", type=int, default=0, help="allowed |dq| for integer tensors (default 0: bit exact)")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--csv", metavar="FILE", help="also write the results as CSV")
    p.add_argument("--failures-only", action="store_true", help="list only the tensors that differ")
    p.set_defaults(run=_compare)

    p = sub.add_parser("merge-stats", help="merge stats.json files of dataset shards into one (equal to a single run)")
    p.add_argument("inputs", nargs="+", help="stats.json files written by `tfldbg dump --stats-only --shard i/N`")
    p.add_argument("--out", "-o", required=True, help="merged stats.json to write")
    p.set_defaults(run=_merge_stats)

    p = sub.add_parser("quant-report", help="per-layer quantization error (local, accumulated, amplification) of a "
                                            "quantized model, from `tfldbg replay`")
    p.add_argument("model", nargs="?", help="the quantized .tflite (not needed with --replays)")
    p.add_argument("--replays", nargs="+", metavar="DIR", help="existing `tfldbg replay` outputs, one per sample")
    p.add_argument("--input", action="append", metavar="NAME=FILE.npy", help="value of one input")
    p.add_argument("--inputs", metavar="DIR", help="directory of NAME.npy input files")
    p.add_argument("--seed", type=int, help="seeded random inputs")
    p.add_argument("--dataset", metavar="DIR", help="one replay per sample of DIR (.npy files or sample directories)")
    p.add_argument("--weights-from", metavar="FLOAT.tflite",
                   help="float references use this float model's weights (matched by name) instead of dequantized ones")
    p.add_argument("--rounding", choices=["litert", "double", "single"], help="requantization rounding of the run")
    p.add_argument("--float", metavar="FLOAT.tflite",
                   help="also compare with this float model run on the same inputs, tensors aligned by name then "
                        "structure (`python -m tfldbg align`)")
    p.add_argument("--divergence", action="store_true",
                   help="also run `divergence` (reference vs a deployment path, --divergence-kernels) on the first "
                        "sample's inputs; a section of the HTML report and a key of the JSON")
    p.add_argument("--divergence-kernels", choices=["optimized", "xnnpack"], default="optimized",
                   help="with --divergence: LiteRT's optimized kernels (default) or its default path, the XNNPACK "
                        "delegate")
    add_ray_arguments(p)
    p.add_argument("--sort", default="sqnr_db", help="metric to rank the layers by, worst first (default sqnr_db)")
    p.add_argument("--csv", metavar="FILE")
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--markdown", metavar="FILE")
    p.add_argument("--html", metavar="FILE", help="self-contained HTML report (charts inline, opens offline)")
    p.set_defaults(run=_quant_report)

    p = sub.add_parser("sensitivity", help="which quantized nodes to keep in float: each node's effect on the outputs "
                                           "alone in float and alone quantized, a ranking, the greedy smallest float "
                                           "set reaching a target, as TF deny-lists and an ai-edge-quantizer recipe")
    p.add_argument("model", help="the quantized .tflite")
    p.add_argument("--dataset", metavar="DIR", required=True,
                   help="samples: .npy files (one input each) or sample directories of NAME.npy")
    p.add_argument("--float", metavar="FLOAT.tflite",
                   help="reference: this float model's outputs (matched by position); default the float shadow")
    p.add_argument("--metric", choices=["sqnr", "top1"], default="sqnr",
                   help="sqnr: output SQNR in dB against the reference; top1: argmax agreement of the first output")
    p.add_argument("--target", type=float,
                   help="what the kept-in-float set must reach (default 30 dB for sqnr, 1.0 for top1)")
    p.add_argument("--max-float", type=int, metavar="N", help="stop the greedy search after N nodes")
    p.add_argument("--all-nodes", action="store_true",
                   help="let the greedy search pick nodes tied to their input's quantization (pooling, reshapes...), "
                        "which TensorFlow's converter does not keep in float alone")
    p.add_argument("--dequantized-weights", action="store_true",
                   help="with --float: float nodes still use the dequantized weights (default: the float model's, "
                        "matched by name, as a converter keeps them)")
    p.add_argument("--rounding", choices=["litert", "double", "single"], help="requantization rounding of the run")
    add_ray_arguments(p)
    p.add_argument("--json", metavar="FILE", help="the whole analysis (format tfldbg-sensitivity)")
    p.add_argument("--out", metavar="DIR", help="write sensitivity.json, denylist.json (TF QuantizationDebugOptions "
                                                "arguments) and ai_edge_quantizer_recipe.json")
    p.set_defaults(run=_sensitivity)

    p = sub.add_parser("overlay", help="a quant-report metric as Model Explorer node data and on tfldbg's HTML graph")
    p.add_argument("report", help="REPORT.json written by `quant-report --json`")
    p.add_argument("--metric", default="sqnr_db", help="which metric (default sqnr_db)")
    p.add_argument("--side", default="local", help="local or accumulated (default local)")
    p.add_argument("--out", "-o", required=True, help="Model Explorer node data JSON to write")
    p.add_argument("--graph-overlay", metavar="FILE", help="also write the overlay for `tfldbg graph --overlay`")
    p.add_argument("--graph-html", metavar="FILE", help="also draw the model with the overlay (runs `tfldbg graph`)")
    p.set_defaults(run=_overlay)

    p = sub.add_parser("explain", help="recompute one quantized node of a dump in integer arithmetic, step by step")
    p.add_argument("dump")
    p.add_argument("--step", type=int, required=True, help="the step to explain")
    p.add_argument("--index", help="i,j,k,l: the output element to walk through (default: the largest accumulator)")
    p.add_argument("--rounding", choices=["double", "single"],
                   help="explain this rounding instead of the dump's (compare with a dump made with it)")
    p.add_argument("--kernels", choices=["reference", "optimized"],
                   help="explain this kernel set's arithmetic instead of the dump's (optimized: LiteRT's optimized "
                        "kernels: CONV_2D / FULLY_CONNECTED / DEPTHWISE_CONV_2D requantization, the 8-bit ADD and "
                        "MUL vector blocks, QUANTIZE, MEAN; docs/deployment.md, docs/explain.md)")
    p.add_argument("--json", action="store_true", help="print the walk-through as JSON")
    p.set_defaults(run=_explain)

    p = sub.add_parser("align", help="pair a quantized model's tensors with its float original's (by name, then structure)")
    p.add_argument("quant", help="the quantized model (.tflite) or a dump of it")
    p.add_argument("float", help="the float model (.tflite) or a dump of it")
    p.add_argument("--json", metavar="FILE", help="also write the alignment as JSON")
    p.set_defaults(run=_align)

    p = sub.add_parser("qd-cross-check", help="our local error next to TensorFlow's QuantizationDebugger layer "
                                              "statistics for the same samples")
    from tfldbg.analysis.quant_debugger import add_arguments as qd_arguments
    qd_arguments(p)
    p.set_defaults(run=_qd_cross_check)

    p = sub.add_parser("divergence", help="where a deployment path (LiteRT's optimized kernels, or its default path "
                                          "with XNNPACK: --kernels) departs from its reference kernels: the first "
                                          "departing node, by how many LSB, why, and how it grows")
    from tfldbg.analysis.divergence import add_arguments as divergence_arguments
    divergence_arguments(p)
    p.set_defaults(run=_divergence)

    p = sub.add_parser("extract", help="nodes A..B (or the nodes between named tensors) as a .tflite of their own: "
                                       "constants, boundary tensors as inputs and outputs, called subgraphs")
    from tfldbg.formats.extract import add_arguments as extract_arguments
    extract_arguments(p)
    p.set_defaults(run=_extract)

    p = sub.add_parser("repro", help="the first node where two dumps differ as a one-op .tflite, its inputs, both "
                                     "outputs and a script that runs it in LiteRT")
    from tfldbg.analysis.repro import add_arguments as repro_arguments
    repro_arguments(p)
    p.set_defaults(run=_repro)

    p = sub.add_parser("conformance-table", help="every real and LiteRT test model against LiteRT, tensors matched / "
                                                 "total (exit 1 on any mismatch)")
    from tfldbg.testing.conformance_table import add_arguments as table_arguments
    table_arguments(p)
    p.set_defaults(run=_conformance_table)

    p = sub.add_parser("sweep-coverage", help="which operator ran on which type against LiteRT in the sweeps, held "
                                              "against the op table (exit 1 on a claimed type never checked)")
    from tfldbg.testing.coverage import add_arguments as coverage_arguments
    coverage_arguments(p)
    p.set_defaults(run=_sweep_coverage)

    p = sub.add_parser("ops-doc", help="docs/ops.md from the engine's op table (one row per schema operator)")
    p.add_argument("--out", "-o", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(run=_ops_doc)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "dump" and any(a == "--ray" or a.startswith("--ray=") for a in argv[1:]):
        from tfldbg.analysis.stats import dump_stats_on_ray

        return _guarded("dump", lambda: dump_stats_on_ray(argv[1:]))
    if argv and argv[0] in ENGINE_COMMANDS:
        try:
            return _engine(argv[0], argv[1:])
        except RuntimeError as e:  # the binary cannot be found
            print(f"tfldbg: error: {e}", file=sys.stderr)
            return 2
    args = build_parser().parse_args(argv)
    return _guarded(args.command, lambda: args.run(args))


def _guarded(command: str, run) -> int:
    """Runs a Python command; every error is one line on stderr and exit 2."""
    import numpy as np

    from tfldbg.formats.reading import printable

    try:
        with np.errstate(all="ignore"):  # a hostile value's overflow is not a second line on stderr
            return run()
    except (ValueError, FileExistsError, FileNotFoundError, OSError, RuntimeError) as e:
        print(f"tfldbg: error: {printable(e)}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 (RecursionError, MemoryError, KeyError, TypeError, ...)
        # Every input is validated before use (formats/reading.py, formats/dump.py); reaching here is a gap
        # in that validation, still reported in one line as bad input (exit 2), never as a traceback.
        print(f"tfldbg: error: {command}: unexpected {type(e).__name__} on this input: {printable(e)[:200]} "
              "(please report it)", file=sys.stderr)
        return 2
