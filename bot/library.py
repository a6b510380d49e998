"""Loads everything under `prompts/`: interview scripts and the templates for messages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.scripts import ROLE_FAMILIES, Script, ScriptError, parse_script, sample_context
from bot.templating import TemplateError, TemplateRenderer, make_environment

INTERVIEWS = "interviews"


@dataclass
class TemplateLibrary:
    prompts_dir: Path
    for_discord: bool = True
    scripts: dict[str, Script] = field(default_factory=dict)
    # Servers' own scripts, every version, by key ("g<server>:<id>:<version>"): kept apart from
    # `scripts` (ours, shown everywhere) and filled by `bot.services.server_scripts`.
    server_scripts: dict[str, Script] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.prompts_dir = Path(self.prompts_dir)
        self.env = make_environment(self.prompts_dir, for_discord=self.for_discord)
        self.renderer = TemplateRenderer(self.env)
        self._file_renderer: TemplateRenderer | None = None

    def load(self) -> TemplateLibrary:
        """Load every script; raises ScriptError listing all problems in all files."""
        scripts: dict[str, Script] = {}
        problems: list[tuple[str, int, str]] = []
        for path in self.script_files():
            name = path.relative_to(self.prompts_dir).as_posix()
            try:
                script = parse_script(path.read_text("utf-8"), name, self.env)
            except ScriptError as exc:
                problems.extend(exc.problems)
                continue
            if script.id in scripts:
                problems.append((name, 1, f"script id {script.id!r} is also used by "
                                 f"{scripts[script.id].filename}"))
            scripts[script.id] = script
        if problems:
            raise ScriptError(problems)
        self.scripts = scripts
        return self

    def script_files(self) -> list[Path]:
        folder = self.prompts_dir / INTERVIEWS
        return sorted(folder.glob("*.j2")) if folder.is_dir() else []

    def find(self, script_id: str) -> Script | None:
        """One of our scripts, or a server script version by its key; None when neither."""
        return self.scripts.get(script_id) or self.server_scripts.get(script_id)

    def script(self, script_id: str) -> Script:
        try:
            return self.scripts.get(script_id) or self.server_scripts[script_id]
        except KeyError:
            known = ", ".join(sorted(self.scripts)) or "none"
            raise KeyError(f"No interview script called {script_id!r}. Available: {known}.") \
                from None

    def render(self, name: str, **context: object) -> str:
        return self.renderer.render(name, context)

    def render_file(self, name: str, **context: object) -> str:
        """Render for a file the user downloads (a transcript): the text as typed, with no Discord
        markdown escaping (a file shown as text would display stray backslashes); mentions are
        still broken."""
        if self._file_renderer is None:
            self._file_renderer = TemplateRenderer(make_environment(self.prompts_dir, for_file=True))
        return self._file_renderer.render(name, context)

    def template_names(self) -> Iterator[str]:
        for path in sorted(self.prompts_dir.rglob("*.j2")):
            rel = path.relative_to(self.prompts_dir).as_posix()
            if not rel.startswith(INTERVIEWS + "/") and not path.name.startswith("_"):
                yield rel


def check_prompts(prompts_dir: Path) -> list[str]:
    """Validate every template under `prompts_dir`. Returns problems as 'file:line: message'."""
    from bot.sample_contexts import sample_for  # local import: only the checker needs it

    problems: list[str] = []
    library = TemplateLibrary(prompts_dir)
    try:
        library.load()
    except ScriptError as exc:
        problems.extend(f"{f}:{line}: {msg}" for f, line, msg in exc.problems)
    for script in library.scripts.values():
        for family in ROLE_FAMILIES:
            # No panel, panels of one to four (one title the bot cannot place), the same title twice.
            for with_optional, panel in ((True, None), (False, 0), (True, 1), (False, 3), (True, 4), (True, -2)):
                ctx = sample_context(family, script.stage, with_optional=with_optional,
                                     panel=None if panel is None else abs(panel))
                if panel == -2:
                    ctx["interviewers"] = [ctx["interviewers"][0], dict(ctx["interviewers"][0], name="Lee Dana")]
                try:
                    _walk_script(script, ctx)
                except ScriptError as exc:
                    problems.extend(f"{f}:{line}: {msg} (role family {family}, panel of "
                                    f"{len(ctx['interviewers'])})" for f, line, msg in exc.problems)
                    break
    for name in library.template_names():
        try:
            for context in sample_for(name):
                library.render(name, **context)
        except TemplateError as exc:
            problems.append(str(exc))
    problems.extend(_check_prep(library))
    return list(dict.fromkeys(problems))


def _check_prep(library: TemplateLibrary) -> list[str]:
    """Prep content: tips headers and page sizes, required topics, checklist items and their
    worst-case size, and prep/questions.txt (see bot.core.prep_check.check_prep_content)."""
    from bot.core.prep_check import check_prep_content

    root = library.prompts_dir
    if not any((root / folder).is_dir() for folder in ("tips", "checklists", "prep")):
        return []  # a prompts folder with scripts only (e.g. a test's)
    paths = [*sorted(root.glob("tips/*.j2")), *sorted(root.glob("checklists/*.j2")),
             root / "prep" / "questions.txt"]
    sources = {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in paths if p.is_file()}
    return check_prep_content(sources, lambda name, ctx: library.render(name, **ctx))


def _walk_script(script: Script, ctx: dict[str, object]) -> None:
    """Render every planned question and evaluate every probe with a sample answer."""
    from bot.core.feedback import answer_signals
    from bot.core.panel import assign_askers, panel_of

    plan = script.plan(ctx)
    if not plan:
        raise ScriptError([(script.filename, 1, "no questions are asked for this context")])
    panel = panel_of(ctx["interviewers"])  # type: ignore[arg-type]
    askers = assign_askers([(q.category, q.asked_by) for q in plan], panel)
    answers: dict[str, object] = {}
    for spec, who in zip(plan, askers, strict=True):
        ctx = {**ctx, "asker": None if who is None else panel[who].to_dict()}
        script.render_question(spec, {**ctx, "answers": answers})
        for sample in ("", "We improved things a lot at my last job.",
                       "At my last job I led a migration that cut costs 30% in two months."):
            view = answer_signals(sample, company=str(ctx["company"]), length=spec.length)
            script.next_probe(spec, {**ctx, "answers": answers, "answer": view}, [])
        answers[spec.id] = answer_signals(
            "At my last company I led the rollout; as a result churn fell 12%.",
            company=str(ctx["company"]), length=spec.length)
