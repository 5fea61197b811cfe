"""Show, in a lecture, the source of the package function that the lecture runs.

A lecture that teaches an algorithm (im2col, a backward pass, the fused grid) should let
the student read exactly the code that runs next to the mathematics, without keeping a
second copy in the notebook that could drift from the package. ``show_source(im2col)``
as the last line of a cell displays the highlighted source of ``im2col``; by default
without its docstring, which the lecture's prose replaces.

>>> print(source_text(show_source).splitlines()[-1])
    return Source(source_text(obj, docstring), getattr(obj, "__qualname__", ""))
"""

from __future__ import annotations

import ast
import inspect
import textwrap

__all__ = ["Source", "show_source", "source_text"]


def _docstring_lines(tree: ast.AST) -> set[int]:
    """1-based line numbers taken by the docstrings of every function and class in tree."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module):
            body = getattr(node, "body", [])
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def source_text(obj, docstring: bool = False) -> str:
    """The source code of a function, method or class, dedented.

    Parameters
    ----------
    obj : function, method or class
        Something :func:`inspect.getsource` can find the source of (defined in a file).
    docstring : bool
        Keep the docstrings (default: remove the docstring of every function and class
        in the source, so that only the code remains).

    Returns
    -------
    str
        The source, ending without a newline.

    Raises
    ------
    TypeError
        If ``obj`` is not a function, method or class, or its source cannot be found
        (a built-in, or something defined interactively).

    Examples
    --------
    >>> source_text(show_source).splitlines()[0]
    'def show_source(obj, docstring: bool = False) -> Source:'
    """
    if not (inspect.isfunction(obj) or inspect.ismethod(obj) or inspect.isclass(obj)):
        raise TypeError(f"obj must be a function, method or class; got {type(obj).__name__}")
    try:
        text = textwrap.dedent(inspect.getsource(obj))
    except (OSError, TypeError) as error:
        raise TypeError(
            f"obj must be defined in a source file; cannot find the source of {obj!r}"
        ) from error
    if not docstring:
        drop = _docstring_lines(ast.parse(text))
        text = "\n".join(
            line for number, line in enumerate(text.splitlines(), 1) if number not in drop
        )
    return text.rstrip()


class Source:
    """Highlighted source code: HTML in a notebook, plain text elsewhere."""

    def __init__(self, text: str, name: str = ""):
        self.text = text
        self.name = name

    def _repr_html_(self) -> str:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        # inline styles: the highlighted code needs no style sheet on the site or the slides
        formatter = HtmlFormatter(noclasses=True, style="default", nobackground=True)
        return highlight(self.text, PythonLexer(), formatter)

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's plain-text display
        printer.text(self.text)


def show_source(obj, docstring: bool = False) -> Source:
    """The highlighted source of ``obj``, displayed when it is a cell's last expression.

    Parameters
    ----------
    obj : function, method or class
        What to show; for a class, a single method (``Layer.backward``) keeps it short.
    docstring : bool
        Keep the docstrings (default False: the code only).

    Returns
    -------
    Source
        Shown as highlighted HTML by Jupyter, as the plain source by ``print`` or ``repr``.

    Raises
    ------
    TypeError
        As :func:`source_text`.

    Examples
    --------
    >>> "def source_text" in repr(show_source(source_text))
    True
    """
    return Source(source_text(obj, docstring), getattr(obj, "__qualname__", ""))
