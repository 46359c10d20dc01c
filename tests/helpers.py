"""Small builders shared by tests: cables in the example's page text layout, corpora, indexes."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLE

EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


def page_cable(
    refid: str,
    *,
    subject: str | None = None,
    created: str = "2009-01-15 16:48",
    classification: str = "CONFIDENTIAL",
    origin: str = "Embassy Baghdad",
    extra: str = "",
) -> str:
    """The example cable with another refid (and optionally subject, date, ...)."""
    text = EXAMPLE_TEXT.replace(
        "09BAGHDAD113 | 2009-01-15 16:48 | CONFIDENTIAL | Embassy Baghdad |",
        f"{refid} | {created} | {classification} | {origin} |",
    )
    if subject is not None:
        text = text.replace(
            "SUBJECT: MEK UPDATE: DEFECTOR CLAIMS MEK HAS CONTINGENCY PLAN FOR MASS SUICIDE; "
            "MEK, IRAQI AUTHORITIES BOOST ENGAGEMENT",
            f"SUBJECT: {subject}",
        )
    if extra:
        text = text.replace("BUTENIS", f"{extra} BUTENIS")
    return text


def write_cable(folder: Path, refid: str, **kwargs: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{refid}.txt"
    path.write_text(page_cable(refid, **kwargs), encoding="utf-8")
    return path
