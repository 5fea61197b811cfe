import pytest

from cnncourse.report import headline, parse_headlines


def test_headline_round_trip(capsys):
    headline("test accuracy", 0.98765, "{:.3f}")
    line = capsys.readouterr().out
    assert line == "[headline] test accuracy: 0.988\n"
    assert parse_headlines("x\n" + line + "y") == {"test accuracy": "0.988"}


@pytest.mark.parametrize("label", ["", "a: b", "two\nlines"])
def test_headline_rejects_bad_labels(label):
    with pytest.raises(ValueError, match="label must be"):
        headline(label, 1)


def test_parse_ignores_other_lines():
    assert parse_headlines("accuracy: 0.9\n[headline]no colon\n") == {}


def test_median_time_measures_a_sleep():
    import time

    from cnncourse.timing import median_time

    seconds = median_time(lambda: time.sleep(0.005), repeat=3, min_seconds=0.001)
    # a sleep never returns early; no upper bound: a busy machine may take longer
    assert seconds >= 0.0049


def test_median_time_rejects_zero_repeats():
    from cnncourse.timing import median_time

    with pytest.raises(ValueError, match="repeat must be an int >= 1"):
        median_time(lambda: None, repeat=0)
