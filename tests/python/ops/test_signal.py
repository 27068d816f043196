"""Signal ops: REAL, IMAG, COMPLEX_ABS (complex64 -> float32, complex128 -> float64) and RFFT2D
(float32 -> complex64), swept against LiteRT's reference kernels. Complex tensors are compared
part by part (real and imaginary, each as a float).

RFFT2D tolerance: LiteRT runs Ooura's FFT in double, tfldbg a radix-2 FFT in double; both round
the exact transform to complex64 at the end, so the default rtol 1e-5 / atol 1e-6 holds (measured:
the two agree to float rounding; outputs reach |x| ~ H*W for inputs in [-1, 1]).
"""

from __future__ import annotations

import numpy as np
import pytest

from sweep import check, refused
from tfldbg.backends.engine import run_tool
from tfldbg.backends.litert import write_reference
from tfldbg.formats.dump import load_dump
from tfldbg.testing.opmodel import OpModelBuilder

rng = np.random.default_rng(2024)

PART_OPS = ["REAL", "IMAG", "COMPLEX_ABS"]
COMPLEX_TYPES = {"complex64": "float32", "complex128": "float64"}


def complex_values(shape, dtype) -> np.ndarray:
    """Seeded values with the edges: zeros of both signs, infinities, NaN, huge and tiny parts."""
    real = rng.uniform(-3, 3, shape)
    imag = rng.uniform(-3, 3, shape)
    flat_r, flat_i = real.reshape(-1), imag.reshape(-1)
    big = np.finfo(np.dtype(COMPLEX_TYPES[dtype])).max
    edges = [(0.0, 0.0), (-0.0, -0.0), (0.0, -1.0), (-2.0, 0.0), (np.inf, 1.0), (1.0, -np.inf), (np.nan, 0.5),
             (0.5, np.nan), (big, big), (-big / 3, 4.0), (1e-40, -1e-42), (3.0, 4.0)]
    for i, (r, im) in enumerate(edges[:flat_r.size]):
        flat_r[i], flat_i[i] = r, im
    out = np.empty(shape, dtype)
    with np.errstate(over="ignore"):
        out.real, out.imag = real, imag  # part by part: inf * 1j would make a NaN real part
    return out


@pytest.mark.parametrize("op", PART_OPS)
@pytest.mark.parametrize("dtype", list(COMPLEX_TYPES))
@pytest.mark.parametrize("shape", [[2, 3], [1, 2, 3, 4], [7], [], [0, 4]], ids=["2d", "4d", "1d", "scalar", "empty"])
def test_complex_parts(tmp_path, op, dtype, shape):
    b = OpModelBuilder()
    x = b.input("x", dtype, shape)
    y = b.output("y", COMPLEX_TYPES[dtype], shape)
    b.op(op, [x], [y])
    check(b, tmp_path, inputs={"x": complex_values(shape, dtype)})


@pytest.mark.parametrize("op", PART_OPS)
@pytest.mark.parametrize("dtype", list(COMPLEX_TYPES))
def test_complex_parts_on_seeded_random_inputs(tmp_path, op, dtype):
    """Complex inputs given no file get seeded values (both parts uniform in [-1, 1))."""
    b = OpModelBuilder()
    x = b.input("x", dtype, [3, 5])
    b.op(op, [x], [b.output("y", COMPLEX_TYPES[dtype], [3, 5])])
    check(b, tmp_path)


def test_spectrogram_runs_from_the_cli(tmp_path):
    """RFFT2D then COMPLEX_ABS (an audio front end), checked against LiteRT; `tfldbg run` prints
    the complex intermediate's model output as magnitudes and re+imj values."""
    b = OpModelBuilder()
    x = b.input("x", "float32", [1, 16, 32])
    spectrum = b.output("spectrum", "complex64", [1, 16, 17])
    b.op("RFFT2D", [x, b.constant("fft_length", np.array([16, 32], np.int32))], [spectrum])
    b.op("COMPLEX_ABS", [spectrum], [b.output("magnitude", "float32", [1, 16, 17])])
    check(b, tmp_path)
    out = run_tool("run", str(b.save(tmp_path / "spectrogram.tflite")), "--save-outputs", str(tmp_path)).stdout
    assert "output 'spectrum' (tensor 1) complex64[1,16,17] |min|" in out
    spectrum, magnitude = np.load(tmp_path / "spectrum.npy"), np.load(tmp_path / "magnitude.npy")
    assert spectrum.dtype == np.complex64 and np.allclose(np.abs(spectrum), magnitude, rtol=1e-6)
    first = spectrum.reshape(-1)[1]
    assert f"{first.real:g}{first.imag:+g}j" in out


@pytest.mark.parametrize("op", PART_OPS)
def test_complex_parts_refusals(tmp_path, op):
    b = OpModelBuilder()
    x = b.input("x", "float32", [2])
    b.op(op, [x], [b.output("y", "float32", [2])])
    refused(b, tmp_path, "input has type float32; supported: complex64, complex128")
    b = OpModelBuilder()
    x = b.input("x", "complex64", [2])
    b.op(op, [x], [b.output("y", "float64", [2])])
    refused(b, tmp_path, "must be float32")


def rfft_model(in_shape, fft_length, computed=False):
    b = OpModelBuilder()
    x = b.input("x", "float32", in_shape)
    if computed:
        f = b.input("fft_length", "int32", [2])
    else:
        f = b.constant("fft_length", np.array(fft_length, np.int32))
    out = list(in_shape[:-2]) + [fft_length[0], fft_length[1] // 2 + 1]
    b.op("RFFT2D", [x, f], [b.output("y", "complex64", out)])
    return b


# (input shape, fft_length): equal, zero-padded, cropped, both, height 1, width 2, ranks 2 to 5.
RFFT_CASES = [([4, 4], [4, 4]), ([8, 16], [8, 16]), ([3, 5], [8, 8]), ([8, 8], [4, 2]), ([5, 9], [8, 4]),
              ([4, 4], [1, 4]), ([1, 1], [1, 2]), ([4, 4], [2, 2]), ([6, 3], [4, 2]), ([2, 8, 16], [8, 16]),
              ([2, 3, 4, 4], [4, 8]), ([1, 2, 1, 3, 4], [2, 4]), ([32, 64], [32, 64]), ([64, 40], [64, 128]),
              ([0, 4, 4], [4, 4]), ([2, 0, 4], [2, 4])]


@pytest.mark.parametrize("in_shape,fft_length", RFFT_CASES, ids=[f"{s}-{f}" for s, f in RFFT_CASES])
def test_rfft2d(tmp_path, in_shape, fft_length):
    check(rfft_model(in_shape, fft_length), tmp_path)


def outputs(builder, tmp_path, inputs):
    """The model's output 0 as tfldbg and as LiteRT (reference kernels) compute it."""
    path = builder.save(tmp_path / "op.tflite")
    args = []
    for name, value in inputs.items():
        np.save(tmp_path / f"{name}.npy", value)
        args += ["--input", f"{name}={tmp_path / f'{name}.npy'}"]
    run_tool("dump", str(path), "--out", str(tmp_path / "ours"), "--force", *args)
    write_reference(path, tmp_path / "litert", like=str(tmp_path / "ours"), force=True)
    return [load_dump(tmp_path / d).steps[-1].outputs[0].value for d in ("ours", "litert")]


@pytest.mark.parametrize("values", ["zeros", "large", "ramp"])
def test_rfft2d_edge_values(tmp_path, values):
    shape = [2, 8, 8]
    x = {"zeros": np.zeros(shape), "large": rng.uniform(-1e30, 1e30, shape), "ramp": np.arange(128).reshape(shape),
         }[values]
    check(rfft_model(shape, [8, 8]), tmp_path, inputs={"x": x.astype(np.float32)})


@pytest.mark.parametrize("special", [np.nan, np.inf])
def test_rfft2d_non_finite_inputs(tmp_path, special):
    """A NaN or infinite input: which outputs become NaN (or infinite) depends on the FFT's
    structure (docs/litert-defects.md): LiteRT's Ooura FFT and tfldbg's radix-2 FFT add and multiply the
    terms in other orders, so neither's NaNs cover the other's. Held here: every output finite in
    both is equal, a slice without non-finite inputs matches whole, and the four bins that are
    real for real input keep an imaginary part of -0 in both."""
    x = rng.uniform(-1, 1, [3, 8, 8]).astype(np.float32)
    x[0, 2, 5] = special
    x[1, 0, 0] = -special
    ours, theirs = outputs(rfft_model([3, 8, 8], [8, 8]), tmp_path, {"x": x})
    a, b = ours.view(np.float32), theirs.view(np.float32)
    finite = np.isfinite(a) & np.isfinite(b)
    assert finite.sum() > 0 and np.allclose(a[finite], b[finite], rtol=1e-5, atol=1e-6)
    for s in (0, 1):
        assert not np.isfinite(ours[s].view(np.float32)).all() and not np.isfinite(theirs[s].view(np.float32)).all()
    assert np.isfinite(ours[2]).all() and np.allclose(ours[2], theirs[2], rtol=1e-5, atol=1e-6)
    for u, v in [(0, 0), (0, 4), (4, 0), (4, 4)]:
        assert np.signbit(ours[:, u, v].imag).all() and (ours[:, u, v].imag == 0).all()
        assert np.signbit(theirs[:, u, v].imag).all() and (theirs[:, u, v].imag == 0).all()


def test_rfft2d_refusals(tmp_path):
    refused(rfft_model([4, 4], [3, 4]), tmp_path, "powers of two")
    refused(rfft_model([4, 4], [4, 6]), tmp_path, "powers of two")
    refused(rfft_model([4, 4], [0, 4]), tmp_path, "powers of two")
    refused(rfft_model([4, 4], [4, 1]), tmp_path, "width 1")
    refused(rfft_model([4, 4], [4096, 8192]), tmp_path, "more than 2^24 points")
    b = OpModelBuilder()
    x = b.input("x", "float64", [4, 4])
    b.op("RFFT2D", [x, b.constant("f", np.array([4, 4], np.int32))], [b.output("y", "complex64", [4, 3])])
    refused(b, tmp_path, "float64")
    b = OpModelBuilder()
    x = b.input("x", "float32", [4, 4])
    b.op("RFFT2D", [x, b.constant("f", np.array([4, 4], np.int64))], [b.output("y", "complex64", [4, 3])])
    refused(b, tmp_path, "int64")
    b = OpModelBuilder()
    x = b.input("x", "float32", [4])
    b.op("RFFT2D", [x, b.constant("f", np.array([4, 4], np.int32))], [b.output("y", "complex64", [4, 3])])
    refused(b, tmp_path, "rank")
    b = OpModelBuilder()
    x = b.input("x", "float32", [4, 4])
    b.op("RFFT2D", [x, b.constant("f", np.array([4, 4, 4], np.int32))], [b.output("y", "complex64", [4, 3])])
    refused(b, tmp_path, "3 values")
