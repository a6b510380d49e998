"""Prep tips: the topics, the header every tips template opens with, its pages, and how a
topic is found from what someone typed. Pure: template sources and rendered text come in."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.prep_content import CONTENT_ID, EMBED_DESCRIPTION_LIMIT, PrepContentError, RenderFn
from bot.core.stages import ANY_STAGE, MOCK_STAGES

# The topics the seed chapters cover, in the order a candidate meets them. Every one must have
# a template prompts/tips/<id>.md.j2; extra templates are listed after these.
REQUIRED_TOPICS: dict[str, str] = {
    "second_round_prep": "preparing for a second round",
    "final_round": "what changes in a final round",
    "review_earlier": "reviewing earlier interactions (materials, feedback, company news)",
    "research_interviewers": "researching the interviewers",
    "job_description": "taking apart the job description",
    "hard_questions": "anticipating hard questions",
    "star_method": "answering with concrete STAR examples",
    "show_value": "showing your value with specific examples",
    "company_values": "aligning with the company's values",
    "ideas_for_role": "offering ideas for the role",
    "your_questions": "preparing your own questions",
    "rapport": "rapport and professionalism, including support staff and future colleagues",
    "the_day": "the day itself: dress, punctuality, what to bring",
    "salary_negotiation": "salary and benefits negotiation",
    "follow_up": "following up: thank-you within 24 hours, a check-in after a week",
}
MAX_TOPICS = 25  # the index is one select menu
TIPS_FOLDER = "tips"
PAGE_BREAK = re.compile(r"(?m)^[ \t]*=== page ===[ \t]*$")
TOPIC_ID = CONTENT_ID
_HEADER = re.compile(r"^\s*\{#-?(?P<body>.*?)-?#\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class TipTopic:
    id: str
    title: str
    summary: str
    stages: tuple[str, ...]
    template: str  # e.g. "tips/star_method.md.j2"

    def fits(self, stage: str | None) -> bool:
        return stage in (None, ANY_STAGE) or stage in self.stages


def topic_id_for(template: str) -> str:
    """`tips/star_method.md.j2` -> `star_method`."""
    name = template.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def parse_tip_header(source: str, template: str) -> TipTopic:
    """Read the `{#- title: ... summary: ... stages: ... -#}` comment that opens a tips template."""
    topic_id = topic_id_for(template)
    problems: list[str] = []
    if not TOPIC_ID.match(topic_id):
        problems.append(f"{template}:1: the file name must be a topic id: lowercase letters, "
                        "digits and _ (at most 40)")
    match = _HEADER.match(source)
    if not match:
        raise PrepContentError([*problems, f"{template}:1: a tips template must start with a "
                                "{#- title: ... summary: ... stages: ... -#} comment"])
    fields: dict[str, str] = {}
    for offset, line in enumerate(match.group("body").splitlines()):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            problems.append(f"{template}:{offset + 1}: expected 'key: value' in the header, got {line.strip()!r}")
            continue
        fields[key.strip().lower()] = value.strip()
    for key in ("title", "summary", "stages"):
        if not fields.get(key):
            problems.append(f"{template}:1: the header has no {key}")
    title, summary = fields.get("title", ""), fields.get("summary", "")
    if len(title) > 100:
        problems.append(f"{template}:1: the title is {len(title)} characters; keep it to 100")
    if len(summary) > 200:
        problems.append(f"{template}:1: the summary is {len(summary)} characters; keep it to 200")
    stages = tuple(s.strip() for s in fields.get("stages", "").split(",") if s.strip())
    unknown = [s for s in stages if s not in MOCK_STAGES]
    if unknown:
        problems.append(f"{template}:1: unknown stage(s) {', '.join(unknown)}; use "
                        f"{', '.join(MOCK_STAGES)}")
    if problems:
        raise PrepContentError(problems)
    return TipTopic(topic_id, title, summary, stages, template)


def split_pages(rendered: str) -> list[str]:
    """A rendered tips template as its pages (separated by a line `=== page ===`)."""
    return [page.strip() for page in PAGE_BREAK.split(rendered) if page.strip()]


def order_topics(topics: Iterable[TipTopic]) -> list[TipTopic]:
    """Required topics in the candidate's order, then any others alphabetically."""
    order = {topic_id: i for i, topic_id in enumerate(REQUIRED_TOPICS)}
    return sorted(topics, key=lambda t: (order.get(t.id, len(order)), t.title.lower()))


def find_topic(topics: Iterable[TipTopic], text: str) -> TipTopic | None:
    """The topic someone asked for: its id (what autocomplete sends) or its exact title."""
    wanted = " ".join(text.split()).lower()
    for topic in topics:
        if wanted in {topic.id, topic.title.lower(), topic.id.replace("_", " ")}:
            return topic
    return None


def match_topics(topics: Iterable[TipTopic], typed: str, *, stage: str | None = None,
                 limit: int = 25) -> list[TipTopic]:
    """Topics for autocomplete: title matches first, then summary matches; stage-fit first."""
    text = " ".join(typed.split()).lower()
    ranked: list[tuple[int, int, TipTopic]] = []
    for index, topic in enumerate(order_topics(topics)):
        haystack_title = f"{topic.title} {topic.id.replace('_', ' ')}".lower()
        if not text or text in haystack_title:
            rank = 0
        elif all(word in f"{haystack_title} {topic.summary.lower()}" for word in text.split()):
            rank = 1
        else:
            continue
        ranked.append((rank + (0 if topic.fits(stage) else 2), index, topic))
    return [t for _, _, t in sorted(ranked, key=lambda r: (r[0], r[1]))][:limit]


def check_tips(sources: Mapping[str, str], render: RenderFn) -> list[str]:
    """Every tips template: its header, its pages for every stage (with and without a company
    and role) within one embed, the required topics all there, and few enough for the index."""
    problems: list[str] = []
    topics: dict[str, TipTopic] = {}
    for name in sorted(n for n in sources if n.startswith(f"{TIPS_FOLDER}/")):
        try:
            topic = parse_tip_header(sources[name], name)
        except PrepContentError as exc:
            problems.extend(exc.problems)
            continue
        topics[topic.id] = topic
        for stage in (*MOCK_STAGES, ANY_STAGE):
            for company, role in (("", ""), ("Acme", "Data Analyst")):
                try:
                    pages = split_pages(render(name, {"stage": stage, "company": company,
                                                      "role": role}))
                except Exception as exc:  # a render failure is reported, not raised
                    problems.append(f"{name}: {exc}")
                    break
                if not pages:
                    problems.append(f"{name}: renders no pages (stage {stage})")
                for number, page in enumerate(pages, start=1):
                    if len(page) > EMBED_DESCRIPTION_LIMIT:
                        problems.append(f"{name}: page {number} is {len(page)} characters "
                                        f"(stage {stage}); Discord allows {EMBED_DESCRIPTION_LIMIT}")
    if len(topics) > MAX_TOPICS:
        problems.append(f"{TIPS_FOLDER}/: {len(topics)} topics; the index menu holds {MAX_TOPICS}")
    missing = [topic_id for topic_id in REQUIRED_TOPICS if topic_id not in topics]
    if missing:
        problems.append(f"{TIPS_FOLDER}/: no template for required topic(s) {', '.join(missing)}")
    return problems
