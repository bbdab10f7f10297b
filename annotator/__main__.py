"""`python -m annotator` is the same program as the `annotator` command."""

from annotator.app import main

if __name__ == "__main__":
    main()
