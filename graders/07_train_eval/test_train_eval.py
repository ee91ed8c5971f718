"""Hidden graders for lesson 07: same start, same batches, same parameters after an epoch."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same
from torchcamp.testing.probes import load_probes
from torchcamp.testing.strategies import seeds

probes = load_probes(__file__)


@pytest.mark.task("07.train_epoch")
@given(seed=seeds, size=st.integers(2, 30), batch_size=st.integers(1, 8), start_in_eval_mode=st.booleans())
def test_epoch_matches_reference(student, reference, seed, size, batch_size, start_in_eval_mode):
    expected = probes.one_epoch(reference, seed, size, batch_size, start_in_eval_mode)
    assert_same(
        student.run(probes.one_epoch, seed, size, batch_size, start_in_eval_mode),
        expected,
        tr(
            f"loss, weights and modes after one epoch ({size} examples, batches of {batch_size})",
            f"训练一个 epoch 之后的损失、权重与模式（{size} 个样本，每批 {batch_size} 个）",
        ),
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.task("07.train_epoch")
@given(size=st.integers(1, 20), batch_size=st.integers(1, 6))
def test_every_batch_goes_to_the_device(student, size, batch_size):
    batches = -(-size // batch_size)
    moved = student.run(probes.devices_asked_for, size, batch_size).count("cpu")
    assert moved >= 2 * batches, tr(
        f"{batches} batches of images and labels, but only {moved} .to(device) calls",
        f"图像和标签共 {batches} 个批次，却只有 {moved} 次 .to(device) 调用",
    )


@st.composite
def logits_and_labels(draw):
    n, classes = draw(st.integers(1, 25)), draw(st.integers(2, 10))
    generator = torch.Generator().manual_seed(draw(seeds))
    return torch.randn(n, classes, generator=generator), torch.randint(0, classes, (n,), generator=generator)


@pytest.mark.task("07.evaluate")
@given(case=logits_and_labels(), batch_size=st.integers(1, 8), start_in_train_mode=st.booleans())
def test_evaluation_matches_reference(student, reference, case, batch_size, start_in_train_mode):
    table, labels = case
    expected = probes.evaluation_facts(reference, table, labels, batch_size, start_in_train_mode)
    assert_same(
        student.run(probes.evaluation_facts, table, labels, batch_size, start_in_train_mode),
        expected,
        tr(
            "accuracy, (mode, graph recorded) at each forward, mode afterwards, weights afterwards",
            "准确率、每次前向传播时的（模式, 是否记录计算图）、之后的模式、之后的权重",
        ),
    )


@pytest.mark.task("07.generalization_gap")
@given(case=logits_and_labels(), seed=seeds, batch_size=st.integers(1, 8))
def test_report_matches_the_reference(student, reference, case, seed, batch_size):
    table, train_labels = case
    classes = table.shape[1]
    test_labels = torch.randint(0, classes, train_labels.shape, generator=torch.Generator().manual_seed(seed))
    expected = probes.report_facts(reference, table, train_labels, test_labels, batch_size)
    assert_same(
        student.run(probes.report_facts, table, train_labels, test_labels, batch_size),
        expected,
        tr("your report on two splits", "你在两个数据划分上的报告"),
        atol=1e-6,
        rtol=1e-6,
    )
