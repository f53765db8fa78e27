"""The judge and the kernel's side of grading, in one process (issue 25): what comes back is plain data with exact
types or a handle that is never data; only graded names come from the kernel; arguments a call changes come back;
messages after hidden tests keep only the course's words. (The same codec runs across the sandbox in
tests/test_sandbox.py and tests/test_grading.py.)"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.grading.judge import Judge, NotPlainData, redact
from autograder.kernel import serve as in_kernel

SETUP = "# Setup, part 2\nimport math\nimport numpy as np\nimport torch\nfrom helpers import checks, probes\n"
NOTEBOOK = '''
import numpy as np
import torch


def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    if abs(p.sum() - 1) > 1e-6:
        raise ValueError("does not sum to 1")
    s = p[p > 0]
    return float(-(s * np.log(s)).sum() / np.log(base))


class Liar(float):
    def __eq__(self, other):
        return True

    def __array__(self, dtype=None, copy=None):
        return np.asarray(1.0)


def liar(p):
    return Liar(3.0)


def sort_in_place(x):
    x.sort()
    return len(x)


def draw(rng):
    return rng.random()


def tensors(n):
    return torch.arange(n, dtype=torch.int16), np.float32(1.5), (1, [2.0, None], {"a": True})


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 3)

    def forward(self, x):
        return self.linear(x)


checks = "rebound by the hand-in"
np_data = np.arange(3)
'''
GRADED = {"entropy", "liar", "sort_in_place", "draw", "tensors", "Model", "missing"}


@pytest.fixture
def judge():
    namespace: dict = {}
    exec(compile(NOTEBOOK, "<notebook>", "exec"), namespace)  # noqa: S102 - the test's own code
    in_kernel.bind(namespace)
    return Judge(in_kernel.serve, GRADED, prelude=SETUP, redacting=True)


def run(judge: Judge, source: str, points: float = 1.0):
    return judge.run_cell(source, "t", points)


def test_results_are_plain_data_with_exact_types(judge):
    verdict = run(judge, "got = tensors(4)\n")
    assert not verdict.failed, verdict.message
    tensor, scalar, nested = judge.namespace["got"]
    assert type(tensor) is torch.Tensor and tensor.dtype == torch.int16 and tensor.tolist() == [0, 1, 2, 3]
    assert type(scalar) is np.float32 and scalar == 1.5
    assert nested == (1, [2.0, None], {"a": True}) and type(nested) is tuple


def test_a_right_answer_passes_and_its_exceptions_keep_their_class(judge):
    verdict = run(judge, 'checks.check_close(checks.check_call(entropy, [0.5, 0.5]), 1.0, "fair coin")\n'
                         'checks.check_raises(ValueError, entropy, [0.5, 0.6], what="sum 1.1")\n', 3)
    assert (verdict.points, verdict.failed) == (3.0, False), verdict.message
    assert "✓ fair coin" in verdict.printed


def test_an_object_that_claims_to_equal_anything_decides_nothing(judge):
    for source in ('checks.check_close(liar([1]), 3.0, "liar")\n', 'checks.check_true(liar([1]) == 3.0, "eq")\n',
                   'assert float(liar([1])) == 3.0\n'):
        verdict = run(judge, source)
        assert verdict.failed and verdict.points == 0.0, source
    with pytest.raises(NotPlainData):
        np.asarray(judge.lookup("liar")[1]([1]), dtype=float)


def test_only_graded_names_come_from_the_kernel(judge):
    """The hand-in rebound ``checks`` and defined ``np_data``: the judge's ``checks`` is the setup cell's own, and a
    test that uses the notebook's other names fails with a NameError, as the maintainer's guide says."""
    verdict = run(judge, 'checks.check_true(True, "the judge has its own checks")\n')
    assert not verdict.failed, verdict.message
    verdict = run(judge, "print(np_data)\n")
    assert verdict.failed and verdict.kind == "NameError"
    assert judge.lookup("missing") == (False, None)


def test_what_a_call_does_to_its_arguments_comes_back(judge):
    verdict = run(judge, "x = np.array([3.0, 1.0, 2.0])\nn = sort_in_place(x)\nlst = [3, 1, 2]\nsort_in_place(lst)\n"
                         "rng = np.random.default_rng(0)\nfirst = draw(rng)\nsecond = draw(rng)\n")
    assert not verdict.failed, verdict.message
    ns = judge.namespace
    assert ns["x"].tolist() == [1.0, 2.0, 3.0] and ns["lst"] == [1, 2, 3] and ns["n"] == 3
    expected = np.random.default_rng(0)
    assert (ns["first"], ns["second"]) == (expected.random(), expected.random()), "the generator advanced"


def test_a_model_is_a_handle_that_can_be_called_and_probed(judge):
    verdict = run(judge, "m = Model()\ny = m(torch.ones(4, 2))\nn = probes.run(probes.n_parameters, m)\n"
                         "is_module = probes.run(probes.is_instance, m, torch.nn.Module)\n")
    assert not verdict.failed, verdict.message
    assert judge.namespace["y"].shape == (4, 3) and judge.namespace["n"] == 9 and judge.namespace["is_module"]
    verdict = run(judge, "len(m)\n")
    assert verdict.failed and verdict.kind == "NotPlainData"


def test_after_hidden_tests_messages_keep_only_the_courses_words(judge):
    hidden = 'checks.check_close(entropy([0.5, 0.5]), 1.0, "a")\n### BEGIN HIDDEN TESTS\n' \
             'checks.check_close(entropy([0.25] * 4), 2.0, "b")\n'
    assert not run(judge, hidden).failed
    verdict = run(judge, 'checks.check_close(liar([1]), 3.0, "liar", hint="return a float")\n')
    assert verdict.failed and "got" not in verdict.message and "Hint: return a float." in verdict.message
    message = "what: expected 1, got 'the hidden input was [0.1, 0.9]'.\nLikely mistake: a thing.\nHint: a hint."
    assert redact(message).splitlines() == [
        "what: failed (the values are left out here, after hidden tests ran; run this check in your notebook to "
        "see them).", "Likely mistake: a thing.", "Hint: a hint."]


def test_the_kernels_reply_is_decoded_strictly(judge):
    for bad in ('{"value": {"$": "nd", "dtype": "|O", "shape": [1], "b64": ""}}',
                '{"value": {"$": "nd", "dtype": "<f8", "shape": [2], "b64": "AAAA"}}',
                '{"value": {"$": "weird"}}', "not json"):
        fake = Judge(lambda request, bad=bad: bad, {"f"})
        with pytest.raises((NotPlainData, RuntimeError)):
            fake.lookup("f")
