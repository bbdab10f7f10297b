"""Review mode's panel: who chose what at the current disagreement."""
