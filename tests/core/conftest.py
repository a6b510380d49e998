"""Shared fixtures for the core tests: a small interview script and the shipped library."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2.sandbox import SandboxedEnvironment

from bot.core.scripts import Script, parse_script
from bot.library import TemplateLibrary
from bot.templating import make_environment

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROMPTS_DIR = PROJECT_ROOT / "prompts"

# Four questions for most roles, five for data roles. `story` has two probes: one when the
# answer has no result, one when it has no figures.
MINI_SCRIPT = """\
# A tiny script for tests.
script: mini
title: Mini interview
stage: second_round
minutes: 10
description: A tiny script for tests.

question: hello
category: opening
length: 10-40
ask:
    Hello {{ candidate }}, welcome to {{ company }}.
guidance:
    Brief and friendly.

question: story
category: behavioural
length: 20-80
ask:
    Tell me about a hard problem you solved.
guidance:
    A full STAR story with a result.
probe: not answer.has_result
    How did it turn out?
probe: not answer.has_numbers
    Can you put a number on it?

question: data_only
category: qualifications
length: 20-80
when: role_family == "data"
ask:
    Which SQL query are you proudest of?
guidance:
    Names a real query.

question: why_us
category: motivation
length: 20-80
ask:
    Why {{ company }}?{% if answers.get("story") %} You said "{{ answers.get("story").key_point }}".{% endif %}
guidance:
    Specific reasons for {{ company }}.

question: wrap
category: closing
length: 10-40
ask:
    Anything else, {{ candidate }}?
guidance:
    Ends warmly.
"""

CONTEXT = {"candidate": "Sam", "role": "Backend Engineer", "company": "Acme"}


@pytest.fixture
def mini_source() -> str:
    return MINI_SCRIPT


@pytest.fixture
def context() -> dict[str, str]:
    return dict(CONTEXT)


@pytest.fixture
def env() -> SandboxedEnvironment:
    return make_environment(None, for_discord=False)


@pytest.fixture
def mini_script(env: SandboxedEnvironment) -> Script:
    return parse_script(MINI_SCRIPT, "interviews/mini.j2", env)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def shipped_library() -> TemplateLibrary:
    return TemplateLibrary(PROMPTS_DIR, for_discord=False).load()


@pytest.fixture
def mini_prompts_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts" / "interviews"
    folder.mkdir(parents=True)
    (folder / "x.j2").write_text(MINI_SCRIPT, "utf-8")
    return tmp_path / "prompts"
