"""One module per output format (the `.spacy` writer is in `annotator.nlp.docbin`)."""
