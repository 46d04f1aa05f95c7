"""A text written in French and English: a page's title, a choice, a question, an option.

A center writes its scripts in its own language first; the other may be left out, and the
text written is then shown in both (a French-only center shows French to every agent rather
than nothing).
"""

from dataclasses import dataclass

from callfloor.core.config import Locale


@dataclass(frozen=True, slots=True)
class Wording:
    """The same text in French and English; either may be empty, not both (the checker says so)."""

    fr: str
    en: str = ""

    @classmethod
    def same(cls, text: str) -> "Wording":
        """One text for both languages."""
        return cls(text, text)

    def text(self, locale: Locale) -> str:
        """The text in ``locale``, or in the other language when this one was left out."""
        if locale is Locale.EN:
            return self.en or self.fr
        return self.fr or self.en

    def __bool__(self) -> bool:
        return bool(self.fr or self.en)

    def texts(self) -> tuple[str, ...]:
        """Both texts, for checks that read every one (variables, emptiness)."""
        return (self.fr, self.en)
