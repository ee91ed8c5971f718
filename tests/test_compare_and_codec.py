"""Failure messages say what differs; the codec lets data through and nothing else."""

import io
import pickle
import time
import zipfile

import pytest
import torch

from torchcamp.sandbox import codec
from torchcamp.sandbox.errors import NotPlainData
from torchcamp.testing.compare import assert_same


def message(actual, expected, **options) -> str:
    with pytest.raises(AssertionError) as caught:
        assert_same(actual, expected, **options)
    return str(caught.value)


def test_shape_dtype_and_first_difference_are_named():
    assert "has shape (3,), expected (3, 1)" in message(torch.zeros(3), torch.zeros(3, 1))
    assert "has dtype torch.int64, expected torch.float32" in message(torch.zeros(2, dtype=torch.long), torch.zeros(2))
    text = message(torch.tensor([1.0, 2.0, 9.0]), torch.tensor([1.0, 2.0, 3.0]))
    assert "first difference at index (2,): yours 9.0, expected 3.0 (1 of 3 elements differ)" in text


def test_containers_name_the_path_to_the_difference():
    text = message({"a": (torch.ones(1), 2)}, {"a": (torch.ones(1), 3)})
    assert "your result › a › item 1 is 2" in text
    assert "should be a tensor" in message([1.0], torch.tensor([1.0]))


def test_tolerances_apply_to_floats():
    assert_same(torch.tensor([1.0]), torch.tensor([1.0 + 1e-7]))
    assert_same(0.1 + 0.2, 0.3)
    assert "expected 1" in message(True, 1)  # a bool is not an int answer


def test_codec_round_trips_plain_data():
    value = {"t": torch.arange(3), "n": [1, 2.5, None, "s"], "d": torch.float16, "size": torch.Size([2])}
    decoded = codec.decode(codec.encode(value))
    assert torch.equal(decoded["t"], value["t"]) and decoded["n"] == value["n"] and decoded["d"] is torch.float16


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_codec_refuses_objects_and_forged_payloads():
    with pytest.raises(NotPlainData, match="torch.nn.modules.linear.Linear"):
        codec.encode(torch.nn.Linear(1, 1))
    import pickle

    class Evil:
        def __reduce__(self):
            return (print, ("this must never run in the grader",))

    with pytest.raises(NotPlainData, match="not a torch.save archive"):
        codec.decode(pickle.dumps(Evil()))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:  # the same pickle inside a torch.save-like archive
        bundle.writestr("archive/data.pkl", pickle.dumps(Evil()))
        bundle.writestr("archive/version", "3\n")
    with pytest.raises(NotPlainData, match="could not be read back as plain data"):
        codec.decode(archive.getvalue())


def with_pickle(data_pkl: bytes, compress: dict[str, bytes] | None = None) -> bytes:
    """A torch.save archive of a tiny tensor, with its data.pkl (and records) replaced."""
    original = io.BytesIO()
    torch.save(torch.zeros(4), original)
    crafted = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original.getvalue())) as source, zipfile.ZipFile(crafted, "w") as target:
        for record in source.infolist():
            data = data_pkl if record.filename.endswith("data.pkl") else source.read(record.filename)
            name = record.filename.rsplit("/", 1)[-1]
            if compress and name in compress:
                target.writestr(record.filename, compress[name], compress_type=zipfile.ZIP_DEFLATED)
            else:
                target.writestr(record.filename, data)
    return crafted.getvalue()


def test_a_compressed_record_is_refused_before_it_expands():
    # 1 GiB of zeros deflates to ~1 MB: only the wire size was bounded before.
    payload = with_pickle(b"", compress={"0": bytes(64 << 20)})
    assert len(payload) < 1 << 20
    with pytest.raises(NotPlainData, match="compressed record"):
        codec.decode(payload)


def test_a_zero_stride_view_is_counted_by_its_shape():
    huge = torch.zeros(1).expand(1 << 30)  # 4 bytes of storage, a billion elements to any comparison
    with pytest.raises(NotPlainData, match="tensor elements"):
        codec.decode(codec.encode(huge))


def test_deep_nesting_is_refused():
    value: list = []
    for _ in range(codec.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(NotPlainData, match="nested more than"):
        codec.decode(codec.encode(value))


def test_a_slow_to_decode_answer_is_stopped_by_its_time_limit():
    # Integer keys that all hash alike make every dict insertion scan every earlier key:
    # 60,000 of them take minutes to decode; the CPU-time limit stops it after one second.
    modulus = (1 << 61) - 1
    keys = b"".join(
        pickle.LONG1 + bytes([10]) + (modulus * number).to_bytes(10, "little") + pickle.BININT1 + b"\0"
        for number in range(1, 60_001)
    )
    data_pkl = pickle.PROTO + b"\x02" + pickle.EMPTY_DICT + pickle.MARK + keys + pickle.SETITEMS + pickle.STOP
    started = time.process_time()
    with pytest.raises(NotPlainData, match="CPU time"):
        codec.decode(with_pickle(data_pkl), time_limit_s=1.0)
    assert time.process_time() - started < 30
