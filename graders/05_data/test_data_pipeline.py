"""Hidden graders for lesson 05."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same
from torchcamp.testing.fakes import write_mnist_like
from torchcamp.testing.probes import load_probes
from torchcamp.testing.strategies import int_tensors, seeds, shapes

probes = load_probes(__file__)

pixel_images = int_tensors(st.just((28, 28)), low=0, high=255, dtype=torch.uint8)


@pytest.mark.task("05.transform")
@given(pixels=pixel_images)
def test_transform_matches_reference(student, reference, pixels):
    assert_same(student.run(probes.transformed, pixels), probes.transformed(reference, pixels), rtol=1e-5, atol=1e-5)


@pytest.mark.task("05.dataset")
@settings(max_examples=5)
@given(seed=seeds, train=st.booleans())
def test_items_match_reference(student, reference, tmp_path_factory, seed, train):
    generator = torch.Generator().manual_seed(seed)
    images = torch.randint(0, 256, (7, 28, 28), generator=generator, dtype=torch.uint8)
    labels = torch.randint(0, 10, (7,), generator=generator).tolist()
    root = str(write_mnist_like(tmp_path_factory.mktemp("mnist"), (images[:4], labels[:4]), (images[4:], labels[4:])))
    indices = [0, 1, 2] if train else [0, 2]
    assert_same(
        student.run(probes.items, root, train, indices),
        probes.items(reference, root, train, indices),
        rtol=1e-5,
        atol=1e-5,
    )


@pytest.mark.task("05.loader")
@given(n=st.integers(1, 40), batch_size=st.integers(1, 16), shuffle=st.booleans(), seed=seeds)
def test_order_matches_reference(student, reference, n, batch_size, shuffle, seed):
    assert_same(
        student.run(probes.order_of, n, batch_size, shuffle, seed),
        probes.order_of(reference, n, batch_size, shuffle, seed),
        tr(
            f"your batches (n={n}, batch_size={batch_size}, shuffle={shuffle})",
            f"你的批次（n={n}，batch_size={batch_size}，shuffle={shuffle}）",
        ),
    )


@pytest.mark.task("05.loader")
@given(seed=seeds)
def test_shuffling_leaves_global_randomness_alone(student, seed):
    torch.manual_seed(7)
    untouched = torch.rand(3)
    assert_same(
        student.run(probes.global_stream_after_loading, seed),
        untouched,
        tr("the global random stream after shuffling", "打乱之后的全局随机数流"),
    )


@pytest.mark.task("05.stats")
@given(images=int_tensors(shapes(1, 3, 2, 12), low=0, high=255, dtype=torch.uint8))
def test_stats_match_reference(student, reference, images):
    assert_same(student.mean_and_std(images), reference.mean_and_std(images), rtol=1e-4, atol=1e-5)
