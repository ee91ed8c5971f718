"""Failure messages say what differs; the codec lets data through and nothing else."""

import pytest
import torch

from torchcamp import codec
from torchcamp.compare import assert_same
from torchcamp.errors import NotPlainData


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
    assert "your result['a'][1] is 2" in text
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

    with pytest.raises(NotPlainData, match="could not be read back as plain data"):
        codec.decode(pickle.dumps(Evil()))
