"""Unit tests of the helpers package (checks, units, training, data, plots)."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
import torch

from helpers import checks, data, plots, training, units

matplotlib.use("Agg")


# --- checks -------------------------------------------------------------------------------------

def test_check_close_passes_and_prints_to_stdout(capsys):
    checks.check_close(0.1 + 0.2, 0.3, "0.1 + 0.2")
    checks.check_close(torch.tensor([1.0, 2.0]), [1.0, 2.0], "a tensor")
    checks.check_close([math.inf, -math.inf], np.array([math.inf, -math.inf]), "infinities")
    out = capsys.readouterr()
    assert out.out.count("✓") == 3 and out.err == ""


def test_check_close_message_says_expected_got_and_hint():
    with pytest.raises(AssertionError) as info:
        checks.check_close(math.log(2), 1.0, "entropy([0.5, 0.5])", hint="did you use the natural logarithm?")
    message = str(info.value)
    assert "entropy([0.5, 0.5])" in message and "expected 1" in message and "0.693" in message
    assert "natural logarithm" in message


@pytest.mark.parametrize(
    ("got", "expected"),
    [(float("nan"), 1.0), (float("nan"), float("nan")), (math.inf, 1e300), ([1.0, 2.0, 3.0], [1.0, 2.0]), ("x", 1.0)],
)
def test_check_close_rejects(got, expected):
    with pytest.raises(AssertionError):
        checks.check_close(got, expected, "value")


def test_check_close_ignores_a_patched_numpy(monkeypatch):
    monkeypatch.setattr(np, "isclose", lambda *a, **k: np.array(True))
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    with pytest.raises(AssertionError):
        checks.check_close(1.0, 2.0, "one vs two")


def test_check_equal_shape_true_type():
    checks.check_equal(np.array([1, 2]), [1, 2], "array")
    checks.check_equal("a", "a", "string")
    with pytest.raises(AssertionError):
        checks.check_equal(np.array([1, 2, 3]), [1, 2], "shape differs")
    with pytest.raises(AssertionError):
        checks.check_equal(3, 4, "three")
    checks.check_shape(torch.zeros(2, 3), (2, 3), "zeros")
    with pytest.raises(AssertionError, match="shape"):
        checks.check_shape(np.zeros((3, 2)), (2, 3), "zeros")
    checks.check_true(True, "truth")
    with pytest.raises(AssertionError, match="does not hold"):
        checks.check_true(False, "falsehood", hint="h")
    checks.check_type(1.0, float, "a float")
    with pytest.raises(AssertionError, match="float"):
        checks.check_type(torch.tensor(1.0), float, "a tensor")


def test_check_raises():
    checks.check_raises(ValueError, int, "x", what="int('x')")
    with pytest.raises(AssertionError, match="returned 3"):
        checks.check_raises(ValueError, int, "3", what="int('3')")
    with pytest.raises(AssertionError, match="got TypeError"):
        checks.check_raises(ValueError, int, None, what="int(None)")


# --- units --------------------------------------------------------------------------------------

def test_units_round_trip_and_known_values():
    assert units.nats_to_bits(math.log(2)) == pytest.approx(1.0)
    assert units.bits_to_nats(1.0) == pytest.approx(math.log(2))
    assert units.nats_to_bits(units.bits_to_nats(3.7)) == pytest.approx(3.7)
    # 64 fair coin flips: 64 bits, i.e. 1 bit per dimension
    assert units.bits_per_dim(64 * math.log(2), 64) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        units.bits_per_dim(1.0, 0)
    assert "bits/dim" in units.fmt_nats(10.0, 64)


# --- training -----------------------------------------------------------------------------------

def test_budget_shrinks_under_grading(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("COURSE_QUICK", raising=False)
    assert not training.is_grading() and training.budget(1000, 10) == 1000
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert training.is_grading() and training.budget(1000, 10) == 10
    with pytest.raises(ValueError):
        training.budget(5, 10)


def test_seed_everything_is_reproducible():
    a = training.seed_everything(3)
    first = (a.random(), torch.rand(1).item(), np.random.rand())
    b = training.seed_everything(3)
    assert first == (b.random(), torch.rand(1).item(), np.random.rand())


def test_device_defaults_to_cpu_without_cuda(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert training.device().type == expected
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert training.device().type == "cpu"


def test_train_reduces_a_simple_loss(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # silent progress bar
    torch.manual_seed(0)
    model = torch.nn.Linear(1, 1)
    x = torch.linspace(-1, 1, 32).unsqueeze(1)
    losses = training.train(model, lambda m, b: ((m(b) - 3 * b) ** 2).mean(), lambda step: x, n_steps=200, lr=0.05)
    assert len(losses) == 200 and losses[-1] < 0.01 * losses[0]


# --- data ---------------------------------------------------------------------------------------

def test_digits_load_with_fixed_split_and_binary_pixels():
    digits = data.load_digits()
    assert digits.x_train.shape == (1500, 8, 8) and digits.x_test.shape == (297, 8, 8)
    assert set(np.unique(digits.x_train)) <= {0, 1} and set(np.unique(digits.y_test)) == set(range(10))
    assert len(digits.y_train) == 1500


def test_data_path_rejects_a_changed_file(tmp_path, monkeypatch):
    source = data.data_dir() / "digits8x8_binary.csv"
    damaged = tmp_path / "digits8x8_binary.csv"
    damaged.write_bytes(source.read_bytes()[:-10])
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(OSError, match="sha256"):
        data.data_path("digits8x8_binary.csv")
    with pytest.raises(KeyError):
        data.data_path("no-such-file.csv")


# --- plots --------------------------------------------------------------------------------------

def test_show_images_and_new_axes():
    plots.use_style()
    fig = plots.show_images(np.zeros((5, 1, 8, 8)), title="zeros", n_cols=3, labels=list("abcde"))
    assert len(fig.axes) == 6
    fig = plots.show_images(torch.ones(3, 1, 4, 4, requires_grad=True), n_cols=2)  # a tensor, one that needs grad
    assert len(fig.axes) == 4 and fig.axes[0].get_images()[0].get_array().shape == (4, 4)
    ax = plots.new_axes("t", "x [nats]", "y [bits]")
    assert ax.get_title() == "t" and ax.get_xlabel() == "x [nats]"


STYLE_PROBE = """
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
plt.rcParams.update({"font.size": 7.0, "axes.grid": False, "xtick.top": True})  # what a user set before: reset
if sys.argv[1] == "seaborn":
    import seaborn as sns
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind")
    from helpers.plots import COURSE_RC
    plt.rcParams.update(COURSE_RC)
else:
    from helpers import plots
    plots.use_style()
    assert "seaborn" not in sys.modules, "use_style imported seaborn"
codes = {c: mcolors.to_rgb(c) for c in "bgrmyck"}
print(json.dumps({"rc": {k: repr(v) for k, v in plt.rcParams.items()}, "codes": codes}))
"""


def test_use_style_sets_what_seaborn_sets_without_importing_it():
    """helpers.plots.THEME is seaborn's set_theme (whitegrid, notebook, colorblind), checked against seaborn itself in
    fresh processes: every rcParam and one-letter colour the same, but image.cmap (seaborn's 'rocket' colormap exists
    only where seaborn is imported; the course's images name their colormap)."""
    import json
    import subprocess
    import sys

    pytest.importorskip("seaborn")
    got = {}
    for how in ("seaborn", "helpers"):
        done = subprocess.run([sys.executable, "-c", STYLE_PROBE, how], capture_output=True, text=True, check=False,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        got[how] = json.loads(done.stdout)
    seaborn, ours = got["seaborn"], got["helpers"]
    assert seaborn["rc"].pop("image.cmap") == "'rocket'" and ours["rc"].pop("image.cmap") == "'viridis'"
    differ = {k: (seaborn["rc"][k], ours["rc"][k]) for k in seaborn["rc"] if seaborn["rc"][k] != ours["rc"][k]}
    assert differ == {}
    assert ours["codes"] == seaborn["codes"]
    assert ours["rc"]["axes.grid"] == "True" and ours["rc"]["font.size"] == "12.0"  # the reset values took


def test_record_metric_prints_and_appends_json(tmp_path, monkeypatch, capsys):
    import json

    target = tmp_path / "metrics.jsonl"
    monkeypatch.setenv("COURSE_METRICS", str(target))
    training.record_metric("nll.test.data", 1.5, "nats")
    training.record_metric("gap.test.data", 2.0, "%")
    assert "nll.test.data = 1.5000 nats" in capsys.readouterr().out
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert rows == [{"name": "nll.test.data", "value": 1.5, "unit": "nats"},
                    {"name": "gap.test.data", "value": 2.0, "unit": "%"}]


# --- checks: messages that name the mistake (issue 13) ---------------------------------------------

def _failure(function, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        function(*args, **kwargs)
    return str(info.value)


def test_check_close_shows_enough_digits_and_the_relative_error():
    message = _failure(checks.check_close, np.float32(-13478.1234), -13478.12345678, "ll", rtol=1e-9)
    assert "expected -13478.1235" in message and "got -13478.123" in message and "relative error" in message


def test_check_close_names_only_the_mistake_the_value_shows():
    mistakes = {"log base 2 instead of the natural log": 1 / math.log(2), "a mean instead of a sum": 0.5}
    message = _failure(checks.check_close, 0.5, 1.0, "ll", mistakes=mistakes)
    assert checks.likely_mistake(message) == "a mean instead of a sum"
    assert "log base 2" not in message
    assert checks.likely_mistake(_failure(checks.check_close, 0.25, 1.0, "ll", mistakes=mistakes)) is None


def test_check_close_names_a_transposed_shape_and_nan():
    message = _failure(checks.check_close, np.zeros((3, 2)), np.zeros((2, 3)), "x")
    assert "transposed" in checks.likely_mistake(message)
    assert "NaN" in _failure(checks.check_close, math.nan, 0.0, "x")


def test_check_call_reports_the_exception_inside_the_function():
    def student(x):
        return [1][x]

    message = _failure(checks.check_call, student, 3, hint="index the list")
    assert message.startswith("calling student(3) raised IndexError: list index out of range")
    assert "Hint: index the list." in message
    assert checks.check_call(student, 0) == 1


def test_check_prerequisite_blames_the_earlier_function(capsys):
    def later():
        with checks.check_prerequisite("reverse_kl"):
            checks.check_close(1.0, 2.0, "reverse_kl(...)", mistakes={"a sign error": 1.0})

    message = _failure(later)
    assert message.startswith("this check needs reverse_kl (above), which fails")
    assert checks.likely_mistake(message) == "a sign error"
    with checks.check_prerequisite("f"):
        checks.check_true(True, "fine")
    assert capsys.readouterr().out.count("✓") == 0


def test_check_mask_draws_maps_and_names_the_first_difference():
    mask_a = np.array([[1, 1, 1], [1, 0, 0], [0, 0, 0]])
    message = _failure(checks.check_mask, mask_a.T, mask_a, "causal_mask(3, 'A')")
    assert "(row, col) = (0, 2)" in message and "###" in message and "#.." in message
    assert "transposed" in checks.likely_mistake(message)
    mask_b = torch.tensor([[1, 1, 1], [1, 1, 0], [0, 0, 0]])
    message = _failure(checks.check_mask, mask_b, mask_a, "mask", mistakes={"mask B instead of mask A": mask_b})
    assert checks.likely_mistake(message) == "mask B instead of mask A"
    checks.check_mask(torch.tensor(mask_a, dtype=torch.bool), mask_a, "same")
