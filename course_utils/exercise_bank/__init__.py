"""The exercises of every notebook: references, test cases, expected values and hints.

One module per notebook (``nb08_style_transfer.py`` for ``08_style_transfer``); each calls
:func:`course_utils.exercises.register` for its exercises when imported. The notebooks never
show what is here: their check cells read ``cu.exercises.check("<id>", answer)``.
Modules import course code (and TensorFlow) inside functions, so loading the bank is cheap.
"""
