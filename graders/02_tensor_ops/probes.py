"""Probes for lesson 02's hidden graders: they run in the worker, next to the student's
module, and hand back data; the grader judges it. Only this file's text reaches the worker."""


def original_after_writing_into(module, function_name, t):
    """Probe: write into the function's result, then hand back the original."""
    result = getattr(module, function_name)(t)
    result.fill_(-1.0)
    return t
