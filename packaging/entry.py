"""The frozen app's entry point: the same program as the `annotator` console script."""

import multiprocessing

from annotator.app import main

if __name__ == "__main__":
    # Child processes of a frozen binary re-run this script; this lets them do their
    # job (spaCy's `--n-process`) instead of starting another copy of the program.
    multiprocessing.freeze_support()
    main()
