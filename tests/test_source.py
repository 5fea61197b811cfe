"""show_source displays exactly the code that runs, without its docstrings."""

import ast
import inspect
import textwrap

import pytest

from cnncourse import scratch
from cnncourse.convolution import im2col
from cnncourse.source import Source, show_source, source_text


def test_source_text_is_the_file_minus_the_docstring():
    text = source_text(im2col)
    whole = textwrap.dedent(inspect.getsource(im2col))
    assert text.startswith("def im2col(")
    assert im2col.__doc__.strip().splitlines()[0] not in text
    assert set(text.splitlines()) <= set(whole.splitlines())  # only lines of the file, in place
    # the code left is the same function: same syntax tree once the docstring is gone
    tree = ast.parse(whole)
    tree.body[0].body = tree.body[0].body[1:]
    assert ast.dump(ast.parse(text)) == ast.dump(tree)
    assert source_text(im2col, docstring=True) == whole.rstrip()


def test_methods_and_classes():
    method = source_text(scratch.MaxPool2D.backward)
    assert method.startswith("def backward(self, grad):")  # dedented
    cls = source_text(scratch.MaxPool2D)
    assert cls.startswith("class MaxPool2D(")
    assert '"""' not in cls  # class and method docstrings gone
    assert "def forward" in cls and "def backward" in cls


def test_displays_as_highlighted_html_and_as_plain_text():
    shown = show_source(im2col)
    assert isinstance(shown, Source)
    assert repr(shown) == source_text(im2col)
    html = shown._repr_html_()
    assert "<pre" in html and 'style="' in html and 'class="highlight"' in html
    assert "im2col" in html


@pytest.mark.parametrize("bad", [3, "im2col", len, print])
def test_rejects_what_has_no_python_source(bad):
    with pytest.raises(TypeError, match="obj must be"):
        source_text(bad)
