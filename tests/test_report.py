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
