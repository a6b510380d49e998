"""Interview stages: their names, labels, order and the mock script that fits each one.

The one place stages are defined: commands offer these as choices, the journal and follow-up
plans store the keys, templates show them through the `stage_label` filter, and practice for a
stage uses `script_for_stage`."""

from __future__ import annotations

SCREENING = "screening"
FIRST_ROUND = "first_round"
SECOND_ROUND = "second_round"
FINAL = "final"
OTHER = "other"

# Every stage a real interview can be logged at, in the order they usually come.
STAGE_LABELS: dict[str, str] = {
    SCREENING: "Screening call",
    FIRST_ROUND: "First round",
    SECOND_ROUND: "Second round",
    FINAL: "Final round",
    OTHER: "Other interview",
}
# The stages this bot's mock interviews and prep content are written for.
MOCK_STAGES: dict[str, str] = {key: STAGE_LABELS[key] for key in (SECOND_ROUND, FINAL)}
ANY_STAGE = "any"  # prep content that suits every stage

NEXT_STAGE: dict[str, str] = {SCREENING: FIRST_ROUND, FIRST_ROUND: SECOND_ROUND,
                              SECOND_ROUND: FINAL, FINAL: FINAL, OTHER: FINAL}
# The shipped script that best rehearses each stage (scripts exist for the mock stages only).
SCRIPT_FOR_STAGE: dict[str, str] = {SCREENING: "second_round", FIRST_ROUND: "second_round",
                                    SECOND_ROUND: "second_round", FINAL: "final", OTHER: "final"}
DEFAULT_STAGE = SECOND_ROUND


def stage_label(stage: str | None, *, missing: str = "") -> str:
    """How a stage is shown: `missing` when none was given, an unknown key (an old row) readably,
    never as an error."""
    if not stage:
        return missing
    return STAGE_LABELS.get(stage) or stage.replace("_", " ").strip().capitalize() or missing


def next_stage(stage: str) -> str:
    return NEXT_STAGE.get(stage, FINAL)


def script_for_stage(stage: str) -> str:
    return SCRIPT_FOR_STAGE.get(stage, SCRIPT_FOR_STAGE[FINAL])
