"""The student's kernel: :mod:`~autograder.kernel.sandbox` starts it inside bubblewrap (runs outside it), and
:mod:`~autograder.kernel.serve` is the code that runs *inside* it and answers the judge's calls with plain data.
"""
