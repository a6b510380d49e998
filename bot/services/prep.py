"""The read-only prep content under prompts/ (tips topics and the questions to ask the
interviewer), loaded once by the bot and read by anything that shows prep."""

from __future__ import annotations

from bot.core.prep_content import PrepContentError
from bot.core.questions_to_ask import QUESTIONS_FILE, AskQuestion, parse_questions, select_questions
from bot.core.stages import ANY_STAGE
from bot.core.tips import TIPS_FOLDER, TipTopic, find_topic, match_topics, order_topics, parse_tip_header, split_pages
from bot.library import TemplateLibrary


class PrepLibrary:
    """Tips topics (in the candidate's order) and the questions to ask, read from the same
    prompts folder as the template library that renders the tips' pages."""

    def __init__(self, library: TemplateLibrary) -> None:
        self.library = library
        self.topics: dict[str, TipTopic] = {}
        self.questions: list[AskQuestion] = []

    def load(self) -> PrepLibrary:
        """Read the tips headers and questions.txt; raises PrepContentError listing every
        problem (`python -m bot check-prompts` reports the same, and more, before a deploy)."""
        root = self.library.prompts_dir
        problems: list[str] = []
        topics: list[TipTopic] = []
        for path in sorted((root / TIPS_FOLDER).glob("*.j2")):
            name = path.relative_to(root).as_posix()
            try:
                topics.append(parse_tip_header(path.read_text("utf-8"), name))
            except PrepContentError as exc:
                problems.extend(exc.problems)
        questions: list[AskQuestion] = []
        try:
            questions = parse_questions((root / QUESTIONS_FILE).read_text("utf-8"), QUESTIONS_FILE)
        except FileNotFoundError:
            problems.append(f"{QUESTIONS_FILE}: missing")
        except PrepContentError as exc:
            problems.extend(exc.problems)
        if problems:
            raise PrepContentError(problems)
        self.topics = {t.id: t for t in order_topics(topics)}
        self.questions = questions
        return self

    # --- tips -----------------------------------------------------------------------------

    def topic(self, text: str) -> TipTopic | None:
        """The topic named by its id (what autocomplete sends) or its title."""
        return find_topic(self.topics.values(), text)

    def topics_for(self, stage: str) -> list[TipTopic]:
        """The topics that suit a stage, in the candidate's order."""
        return [t for t in self.topics.values() if t.fits(stage)]

    def topic_choices(self, typed: str, stage: str | None) -> list[TipTopic]:
        return match_topics(self.topics.values(), typed, stage=stage)

    def tip_pages(self, topic: TipTopic, stage: str) -> list[str]:
        """A topic's pages for a stage. Tips are general advice: no company or role is asked
        for, so none is filled in."""
        return split_pages(self.library.render(topic.template, stage=stage, company="", role=""))

    # --- questions to ask -------------------------------------------------------------------

    def questions_for(self, category: str | None, stage: str = ANY_STAGE) -> list[AskQuestion]:
        """The questions of a category (None: all of them) that suit a stage."""
        return select_questions(self.questions, category=category, stage=stage)
