"""One reading discipline for every file the Python tools read (docs/security.md).

Every file is opened non-blocking and checked with fstat to be a regular file
before a byte is read (a FIFO, a device, a socket or a directory is refused in
one line, never waited on). Inside a dump, a path from the manifest must be
relative and stay inside the dump: no absolute path, no `..`, and no symbolic
link anywhere below the dump's directory (each component is opened with
O_NOFOLLOW relative to its parent). JSON is read with a size and a nesting
limit; a `.npy` header is parsed by hand and its sizes checked against the
file's size (and, in a dump, against the manifest's dtype and shape) before
anything is allocated; arrays are memory-mapped, so reading costs no more
memory than the file holds.

Every refusal is an InputError (a ValueError) whose message is one printable
line naming the file.
"""

from __future__ import annotations

import ast
import errno
import json
import math
import os
import re
import stat
from pathlib import Path

import numpy as np

MAX_JSON_BYTES = 512 << 20  # as the C++ side (inspector/io/json_file.h)
MAX_JSON_DEPTH = 64
MAX_NPY_HEADER = 64 << 10  # numpy writes a few dozen bytes and refuses more than 10,000 itself
MAX_NPY_RANK = 32
NPY_KINDS = "biufcSU"  # bool, signed, unsigned, float, complex, bytes and text strings: the only arrays a dump or an input holds


class InputError(ValueError):
    """A file that cannot be read as what it should be; the message is one line naming it."""


def printable(text: object) -> str:
    """`text` on one printable line: control characters (C0, DEL, C1), line and
    paragraph separators and other unprintable code points as escapes
    (\\n, \\t, \\xNN, \\uNNNN); backslashes are left alone, as the C++ side's OneLine."""
    s = str(text)
    if s.isprintable():
        return s
    out = []
    for ch in s:
        if ch.isprintable():
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
    return "".join(out)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def _refusal(shown: str, mode: int) -> InputError:
    if stat.S_ISLNK(mode):
        return InputError(f"{shown}: is a symbolic link; a dump's files must be inside it (no links)")
    return InputError(f"{shown}: is {_kind(mode)}, not a regular file")


def open_regular(path: str | os.PathLike, shown: str | None = None, *, dir_fd: int | None = None,
                 follow: bool = True) -> int:
    """Opens a regular file for reading (O_NONBLOCK: a FIFO never blocks) and returns
    its descriptor; anything else is refused before it is opened, and again from
    fstat after (the name may have changed in between). `follow=False`: a symbolic
    link is refused too (O_NOFOLLOW)."""
    shown = printable(path if shown is None else shown)
    try:
        before = os.stat(path, dir_fd=dir_fd, follow_symlinks=follow)
    except OSError as e:
        raise InputError(f"{shown}: {e.strerror or e}") from None
    except ValueError as e:  # an embedded NUL
        raise InputError(f"{shown}: {e}") from None
    if not stat.S_ISREG(before.st_mode):
        raise _refusal(shown, before.st_mode)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except OSError as e:
        if e.errno == errno.ELOOP and not follow:
            raise InputError(f"{shown}: is a symbolic link; a dump's files must be inside it (no links)") from None
        raise InputError(f"{shown}: {e.strerror or e}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _refusal(shown, mode)
    return fd


def relative_parts(rel: object, shown: str) -> list[str]:
    """The components of a path a manifest names, refused unless it stays inside
    its directory: a non-empty relative path without `.`, `..` or empty parts."""
    if not isinstance(rel, str):
        raise InputError(f"{shown}: must be a path (a string), not {json_type(rel)}")
    if not rel or "\0" in rel:
        raise InputError(f"{shown}: {printable(repr(rel))} is not a file name")
    if rel.startswith("/"):
        raise InputError(f"{shown}: {printable(repr(rel))} is an absolute path; a dump's files must be inside it")
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise InputError(f"{shown}: {printable(repr(rel))} leaves the dump or is not a plain relative path "
                         "(no '..', '.' or empty parts)")
    return parts


def open_inside(root: str | os.PathLike, rel: object, field: str = "file") -> int:
    """Opens the regular file `rel` (a path from a manifest) inside the directory
    `root`, following no symbolic link below `root`. `field` names where the path
    came from, for the message."""
    shown_root = printable(root)
    parts = relative_parts(rel, f"{shown_root}: {field}")
    shown = f"{shown_root}/{printable(rel)}"
    try:
        dfd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)  # the user's own path: followed
    except OSError as e:
        raise InputError(f"{shown_root}: {e.strerror or e}") from None
    try:
        for i, part in enumerate(parts[:-1]):
            where = f"{shown_root}/{printable('/'.join(parts[:i + 1]))}"
            try:
                st = os.stat(part, dir_fd=dfd, follow_symlinks=False)
            except OSError as e:
                raise InputError(f"{where}: {e.strerror or e}") from None
            if not stat.S_ISDIR(st.st_mode):
                if stat.S_ISLNK(st.st_mode):
                    raise InputError(f"{where}: is a symbolic link; a dump's files must be inside it (no links)")
                raise InputError(f"{where}: is {_kind(st.st_mode)}, not a directory")
            try:
                nfd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dfd)
            except OSError as e:
                raise InputError(f"{where}: {e.strerror or e}") from None
            os.close(dfd)
            dfd = nfd
        return open_regular(parts[-1], shown, dir_fd=dfd, follow=False)
    finally:
        os.close(dfd)


def read_fd(fd: int, shown: str, limit: int) -> bytes:
    """All of a regular file's bytes, refused over `limit` (also when it grows while read)."""
    size = os.fstat(fd).st_size
    if size > limit:
        raise InputError(f"{shown}: {size} bytes, over the limit of {limit}")
    chunks, total = [], 0
    while True:
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise InputError(f"{shown}: over the limit of {limit} bytes")
    return b"".join(chunks)


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in JSON text (brackets inside
    strings do not count), without recursion."""
    a = np.frombuffer(_JSON_STRING.sub(b'""', data), dtype=np.uint8)
    opens = (a == ord("[")) | (a == ord("{"))
    where = np.flatnonzero(opens | (a == ord("]")) | (a == ord("}")))
    if not where.size:
        return 0
    return int(np.cumsum(np.where(opens[where], 1, -1)).max())


def parse_json(data: bytes, shown: str, max_depth: int = MAX_JSON_DEPTH):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{shown}: not UTF-8 text (byte {e.start})") from None
    depth = json_depth(data)
    if depth > max_depth:
        raise InputError(f"{shown}: JSON nested {depth} levels deep, over the limit of {max_depth}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{shown}: not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except (ValueError, RecursionError) as e:  # e.g. an integer of more than 4300 digits
        raise InputError(f"{shown}: not valid JSON: {printable(e)}") from None


def read_json(path: str | os.PathLike, *, limit: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH):
    """A JSON file given by the user (a report, stats): a regular file (a symbolic link
    to one is followed: it is the user's own path), size- and depth-limited."""
    shown = printable(path)
    fd = open_regular(path, shown)
    try:
        data = read_fd(fd, shown, limit)
    finally:
        os.close(fd)
    return parse_json(data, shown, max_depth)


def read_json_inside(root: str | os.PathLike, rel: str, *, limit: int = MAX_JSON_BYTES,
                     max_depth: int = MAX_JSON_DEPTH):
    """A JSON file inside a dump (manifest.json): as open_inside, size- and depth-limited."""
    shown = f"{printable(root)}/{printable(rel)}"
    fd = open_inside(root, rel)
    try:
        data = read_fd(fd, shown, limit)
    finally:
        os.close(fd)
    return parse_json(data, shown, max_depth)


class NpyHeader:
    __slots__ = ("dtype", "shape", "fortran_order", "offset", "nbytes")

    def __init__(self, dtype: np.dtype, shape: tuple[int, ...], fortran_order: bool, offset: int, nbytes: int):
        self.dtype, self.shape, self.fortran_order, self.offset, self.nbytes = dtype, shape, fortran_order, offset, nbytes


def _header_dtype(descr: object, fail) -> np.dtype:
    if not isinstance(descr, str):
        raise fail(f"'descr' is {printable(repr(descr))[:80]}: only plain numeric dtypes are read")
    try:
        dtype = np.dtype(descr)
    except Exception:  # numpy raises TypeError, ValueError, ... for a descr it does not know
        raise fail(f"'descr' {printable(repr(descr))[:80]} is not a dtype") from None
    if dtype.kind not in NPY_KINDS or dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None \
            or dtype.itemsize == 0:
        raise fail(f"'descr' {printable(repr(descr))[:80]}: only bool, integer, float, complex and string arrays are read")
    return dtype


def parse_npy_header(fd: int, shown: str) -> NpyHeader:
    """The header of the .npy file open at `fd`, checked against the file's size: the
    data must be exactly what dtype x shape needs. Nothing is allocated beyond the
    header (at most MAX_NPY_HEADER bytes)."""

    def fail(why: str) -> InputError:
        return InputError(f"{shown}: not a usable .npy file: {why}")

    size = os.fstat(fd).st_size
    if size == 0:
        raise fail("the file is empty")
    head = os.pread(fd, 12, 0)
    if len(head) < 10 or head[:6] != b"\x93NUMPY":
        raise fail("no .npy magic (\\x93NUMPY) at the start")
    major, minor = head[6], head[7]
    if major == 1:
        header_len, start = int.from_bytes(head[8:10], "little"), 10
    elif major in (2, 3):
        if len(head) < 12:
            raise fail("the header is cut short")
        header_len, start = int.from_bytes(head[8:12], "little"), 12
    else:
        raise fail(f"format version {major}.{minor} is unknown")
    if header_len > MAX_NPY_HEADER:
        raise fail(f"the header length {header_len} is over the limit of {MAX_NPY_HEADER}")
    if start + header_len > size:
        raise fail(f"the header ({header_len} bytes) is cut short: the file has {size} bytes")
    raw = os.pread(fd, header_len, start)
    try:
        text = raw.decode("utf-8" if major == 3 else "latin1")
        header = ast.literal_eval(text)
    except Exception:  # SyntaxError, ValueError, RecursionError, MemoryError: the header is hostile text
        raise fail("the header is not a Python dict literal") from None
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
        raise fail("the header must be a dict of exactly 'descr', 'fortran_order' and 'shape'")
    dtype = _header_dtype(header["descr"], fail)
    shape, fortran = header["shape"], header["fortran_order"]
    if not isinstance(fortran, bool):
        raise fail("'fortran_order' must be True or False")
    if not isinstance(shape, tuple) or len(shape) > MAX_NPY_RANK or \
            not all(type(d) is int and d >= 0 for d in shape):
        raise fail(f"'shape' must be a tuple of at most {MAX_NPY_RANK} non-negative integers")
    nbytes = math.prod(shape) * dtype.itemsize
    offset = start + header_len
    if size - offset != nbytes:
        raise fail(f"shape {shape} of {dtype.str} needs {nbytes} data bytes, the file has {size - offset} after "
                   f"its header")
    return NpyHeader(dtype, shape, fortran, offset, nbytes)


def map_npy(fd: int, header: NpyHeader) -> np.ndarray:
    """The array of a checked header, memory-mapped read-only (nothing is allocated
    for the data; the mapping stays valid once `fd` is closed)."""
    order = "F" if header.fortran_order else "C"
    if header.nbytes == 0:
        return np.zeros(header.shape, header.dtype, order=order)
    with os.fdopen(os.dup(fd), "rb") as f:
        return np.memmap(f, dtype=header.dtype, mode="r", offset=header.offset, shape=header.shape, order=order)


def read_npy(path: str | os.PathLike) -> np.ndarray:
    """A .npy file the user named (an input): a regular file (a symbolic link to one is
    followed), its header checked against its size; the array is read into memory."""
    shown = printable(path)
    fd = open_regular(path, shown)
    try:
        header = parse_npy_header(fd, shown)
        return np.array(map_npy(fd, header))
    finally:
        os.close(fd)


def stays_inside(root: str | os.PathLike, name: str) -> Path:
    """root/name for a directory entry the caller lists itself (a replay's parts):
    refused when `name` is a symbolic link or not a directory."""
    path = Path(root) / name
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError as e:
        raise InputError(f"{printable(path)}: {e.strerror or e}") from None
    if stat.S_ISLNK(st.st_mode):
        raise InputError(f"{printable(path)}: is a symbolic link; a dump's files must be inside it (no links)")
    if not stat.S_ISDIR(st.st_mode):
        raise InputError(f"{printable(path)}: is {_kind(st.st_mode)}, not a directory")
    return path
