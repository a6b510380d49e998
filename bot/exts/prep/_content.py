"""The prep content shipped under prompts/: read once when the extension loads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.prep import (
    AskQuestion,
    PrepContentError,
    TipTopic,
    order_topics,
    parse_questions,
    parse_tip_header,
)

QUESTIONS_FILE = "prep/questions.txt"


@dataclass(frozen=True)
class PrepContent:
    topics: dict[str, TipTopic]  # in the candidate's order
    questions: list[AskQuestion]

    @classmethod
    def load(cls, prompts_dir: Path) -> PrepContent:
        """Read tips headers and questions.txt; raises PrepContentError listing all problems
        (`python -m bot check-prompts` reports the same, and more, before a deploy)."""
        problems: list[str] = []
        topics: list[TipTopic] = []
        for path in sorted((prompts_dir / "tips").glob("*.j2")):
            name = path.relative_to(prompts_dir).as_posix()
            try:
                topics.append(parse_tip_header(path.read_text("utf-8"), name))
            except PrepContentError as exc:
                problems.extend(exc.problems)
        questions: list[AskQuestion] = []
        try:
            questions = parse_questions((prompts_dir / QUESTIONS_FILE).read_text("utf-8"),
                                        QUESTIONS_FILE)
        except FileNotFoundError:
            problems.append(f"{QUESTIONS_FILE}: missing")
        except PrepContentError as exc:
            problems.extend(exc.problems)
        if problems:
            raise PrepContentError(problems)
        return cls({t.id: t for t in order_topics(topics)}, questions)


def prep_content(bot: object) -> PrepContent:
    """The loaded content, from the running Prep cog."""
    cog = bot.get_cog("Prep")  # type: ignore[attr-defined]
    if cog is None:
        raise RuntimeError("the Prep extension is not loaded")
    return cog.content  # type: ignore[no-any-return]
