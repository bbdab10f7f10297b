"""What the window adds to a model's suggestions, each part on or off.

The product as shipped has all three on. The effort benchmark turns them off to measure
the window with the model's entities alone, exactly as predicted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Assistance:
    """`propagate`: a decision spreads to the same words elsewhere in the article.
    `memory`: the dataset's phrase memory suggests what people labelled before and drops
    what they refused. `article_rules`: the model's spans are tidied and the short forms of
    suggested names (a surname, an acronym) are suggested too (`SpacySuggester(refine=)`).
    """

    propagate: bool = True
    memory: bool = True
    article_rules: bool = True

    @classmethod
    def none(cls) -> Assistance:
        """The model's suggestions as they are, each decision made once."""
        return cls(propagate=False, memory=False, article_rules=False)


ALL_ON = Assistance()  # the product as shipped
