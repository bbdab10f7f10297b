"""One module per input format; each has `read(path, text) -> Iterator[Record]`."""
