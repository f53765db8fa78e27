"""The 17-level digits: checksum, shapes, the fixed split, and agreement with the binarised file."""

from __future__ import annotations

import numpy as np

from helpers import data


def test_levels_shapes_range_and_split():
    levels = data.load_digit_levels()
    assert levels.x_train.shape == (1500, 8, 8) and levels.x_test.shape == (297, 8, 8)
    assert levels.y_train.shape == (1500,) and levels.y_test.shape == (297,)
    assert levels.x_train.dtype == np.uint8 and levels.y_train.dtype == np.int64
    both = np.concatenate([levels.x_train, levels.x_test])
    assert both.min() == 0 and both.max() == data.N_DIGIT_LEVELS - 1
    # more than two levels really occur, every one of them
    assert set(np.unique(both).tolist()) == set(range(data.N_DIGIT_LEVELS))
    assert set(np.unique(levels.y_train).tolist()) == set(range(10))


def test_levels_binarise_to_the_binary_file_row_for_row():
    levels, binary = data.load_digit_levels(), data.load_digits()
    np.testing.assert_array_equal((levels.x_train >= 8).astype(np.uint8), binary.x_train)
    np.testing.assert_array_equal((levels.x_test >= 8).astype(np.uint8), binary.x_test)
    np.testing.assert_array_equal(levels.y_train, binary.y_train)
    np.testing.assert_array_equal(levels.y_test, binary.y_test)


def test_levels_file_is_checked_against_its_sha256(tmp_path, monkeypatch):
    for name in data.CHECKSUMS:
        (tmp_path / name).write_bytes(data.data_path(name).read_bytes())
    damaged = tmp_path / "digits8x8_levels.csv"
    damaged.write_bytes(damaged.read_bytes().replace(b"train,", b"test,", 1))
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    try:
        data.load_digit_levels()
    except OSError as error:
        assert "sha256" in str(error)
    else:
        raise AssertionError("a changed digits8x8_levels.csv was loaded")
