"""What the prep content shipped under prompts/ (tips, questions to ask, checklists) shares:
the error its parsers raise, and the rules every piece of it must meet. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

# Ids of topics and questions: they go into custom_ids and file names.
CONTENT_ID = re.compile(r"^[a-z0-9_]{1,40}$")
EMBED_DESCRIPTION_LIMIT = 4096  # one page of prep content is one embed description

RenderFn = Callable[[str, Mapping[str, object]], str]
"""(template name, context) -> rendered text; how the checks render without knowing Jinja."""


class PrepContentError(ValueError):
    """Shipped prep content is broken; `problems` are 'file:line: message' strings."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
