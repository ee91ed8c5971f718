"""Recognised mistakes: a public test that sees a known mistake's signature names it.

The test holds the predicate (what the mistaken code's output looks like); the message, in
English and Chinese, lives in the lesson's exercises/NN_slug/mistakes.toml. The student
edition thus ships what identifies a mistake, never the mistaken code or the solution.
"""

from __future__ import annotations


class KnownMistake(AssertionError):
    """A failure whose cause the course recognises: TASK's mistake KEY (see mistakes.toml)."""

    def __init__(self, task: str, key: str, detail: str = "") -> None:
        super().__init__(f"{task}: recognised mistake {key}" + (f" ({detail})" if detail else ""))
        self.task, self.key, self.detail = task, key, detail


def mistake_if(condition: object, task: str, key: str, detail: str = "") -> None:
    """Fail the test as TASK's recognised mistake KEY when CONDITION holds."""
    if condition:
        raise KnownMistake(task, key, detail)
