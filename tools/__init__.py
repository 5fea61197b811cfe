"""The course's command-line tools; each module runs as ``python -m tools.NAME``.

A map, one line per module (the make target that runs it in brackets):

- ``paths``: the repository's folders, the lecture pattern ``NN_*.ipynb``, the guard that
  keeps every tool from writing over ``notebooks/``.
- ``execution``: how a notebook is executed (kernel, time limits, figure backend, the rule
  that no cell writes to standard error), shared by ``run_notebooks`` and the tests; the
  records of what nbval executed, which the test run's two processes share.
- ``run_notebooks``: execute the lectures, write ``build/status.json``, build the site
  (``make notebooks``).
- ``build_site``: the static course site in ``build/site/`` (``make site``).
- ``build_slides``: one offline reveal.js deck per lecture in ``build/slides/`` (``make slides``).
- ``make_student``: copies of the lectures without the worked solutions (``make student``).
- ``web_assets``: reveal.js and MathJax from the package index, checked and cached
  (``make install``).
- ``browser_check``: open pages and decks in headless Chromium and report problems (tests).
- ``fit_slides``: place the slide breaks by measuring cells in Chromium; edits
  ``notebooks/`` (maintainers only).
"""
