"""The article: the text view, its span highlighting (per-block index, style, formatting
in slices), where text sits on screen, and the keys the view leaves to the window."""
