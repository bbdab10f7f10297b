"""Deterministic news-like articles for the benchmarks.

Names, places, organisations and dates recur within an article as they do in real
reporting; some articles carry emoji, Windows line endings or non-Latin names, so the
benchmarks exercise the same offset paths real data does. The same seed always gives the
same texts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

FIRST = ["Anna", "Marek", "Lucía", "Kwame", "Yuki", "Omar", "Ingrid", "Tomás", "Priya", "Jonas"]
LAST = ["de Vries", "Kowalczyk", "Otieno", "Fernández", "Nakamura", "Haddad", "Berg", "Novak"]
PLACES = ["Rotterdam", "Nairobi", "Valparaíso", "Kraków", "Osaka", "Geneva", "Lyon", "Tbilisi"]
ORGS = [
    "the World Trade Organization",
    "Maersk",
    "the European Commission",
    "Greenpeace",
    "the Port Authority",
    "the African Union",
    "Siemens",
    "the Red Cross",
]
NON_LATIN = ["Фёдор Алексеев", "فهد القحطاني", "山田 太郎", "Γιώργος Παπαδόπουλος"]
MONTHS = ["January", "March", "May", "July", "September", "November"]
EMOJI = ["🚢", "📈", "🌍", "⚽", "🇰🇪"]
VERBS = ["said", "announced", "told reporters", "confirmed", "warned", "added"]
FILLER_TEXT = (
    "the plan would take several years to complete and cost more than expected "
    "officials in the region have asked for more time to study the proposal before "
    "a final decision is made later this year according to people familiar with the talks "
    "the figures published on Tuesday showed a sharp rise compared with the previous quarter"
)
FILLER = FILLER_TEXT.split()


def article(rng: random.Random, words: int) -> str:
    """One article of about `words` words."""
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    surname = person.split(" ", 1)[1]
    place, other = rng.sample(PLACES, 2)
    org = rng.choice(ORGS)
    date = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2019, 2027)}"
    title = f"{place} talks with {org.removeprefix('the ')} stall"
    sentences: list[str] = []
    count = 0
    while count < words:
        sentence = _sentence(rng, person, surname, place, other, org, date)
        sentences.append(sentence)
        count += len(sentence.split())
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    text = "\n\n".join([title, *paragraphs]) + "\n"
    if rng.random() < 0.2:
        text = text.replace("\n", "\r\n")
    return text


def _sentence(
    rng: random.Random, person: str, surname: str, place: str, other: str, org: str, date: str
) -> str:
    named_org = org.capitalize() if org.startswith("the") else org
    subject = rng.choice([person, surname, surname, named_org])
    filler = " ".join(rng.choice(FILLER) for _ in range(rng.randint(8, 18)))
    where = rng.choice([place, place, other])
    extra = ""
    roll = rng.random()
    if roll < 0.05:
        extra = f" {rng.choice(EMOJI)}"
    elif roll < 0.08:
        extra = f" ({rng.choice(NON_LATIN)})"
    elif roll < 0.2:
        extra = f" on {date}"
    return f"{subject} {rng.choice(VERBS)} in {where}{extra} that {filler}."


def articles(count: int, *, words: int = 600, seed: int = 2026) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        yield article(rng, words)
