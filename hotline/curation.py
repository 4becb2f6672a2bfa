"""The week's shortlist for the radio show: rank candidate complaints and choose the top few, over plain data.

What makes a strong case on air, in the order of weight: a provider has answered (the show brings the two
sides together); many callers raised the same issue in the same place (near-duplicates are grouped by
sector, area and transcript similarity, and the group airs once, saying how many called); a provider is
overdue (accountability: "has not answered in 45 days"); the call is recent. The chosen set is balanced
across sectors: each further case from a sector already chosen pays a penalty, so one busy sector cannot
fill the show. Everything is deterministic (ties break on time, then id), so drafting twice ranks the same.

No database and no I/O here: hotline.episode_queries fetches the candidates and hotline.episodes writes
the result, so the rules can be tested with plain values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz, utils


@dataclass(frozen=True)
class Candidate:
    """A consented, reviewed complaint as the ranking sees it."""

    complaint_id: int
    reference: str
    sector: str | None
    area: str | None
    text: str
    created_at: datetime
    answered: bool  # a provider response exists
    status: str = ""
    routed_at: datetime | None = None
    deadline_at: datetime | None = None


@dataclass(frozen=True)
class Weights:
    answered: float = 3.0
    recurrence: float = 1.0  # times log2(callers in the group)
    overdue: float = 2.0  # plus overdue_per_month for each 30 days past the deadline (up to 3 months)
    overdue_per_month: float = 1.0
    recency: float = 1.0  # a call at the very end of the week; older calls get less, none after 4 weeks
    sector_repeat: float = 1.5  # taken off for each case of the same sector already chosen
    similarity: float = 70.0  # rapidfuzz token_set_ratio at or above which two transcripts tell the same issue


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    rank: int  # 1 = best
    score: float
    reasons: dict[str, Any]
    group: tuple[str, ...]  # references of the near-duplicate group, its lead first
    lead: bool  # stands for its group (only leads are chosen by the draft)
    chosen: bool = False
    position: int | None = None  # order in the show, from 1


@dataclass
class _Scored:
    candidate: Candidate
    score: float
    reasons: dict[str, Any]
    group: tuple[str, ...]
    lead: bool

    def key(self, penalty: float = 0.0) -> tuple[float, float, int]:
        return _order_key(self.score - penalty, self.candidate)


def group_near_duplicates(candidates: Sequence[Candidate], *, threshold: float) -> list[list[Candidate]]:
    """Candidates of the same sector and area whose transcripts tell the same issue.

    Each group is seeded by its earliest call, and a call joins the first group whose seed it resembles:
    comparing with the seed only (not with every member) stops a chain of loosely similar calls from
    merging unrelated issues into one big group, which would make the host overstate how many called.
    """
    seeds: dict[tuple[str | None, str | None], list[tuple[str, list[Candidate]]]] = {}
    groups: list[list[Candidate]] = []
    for c in sorted(candidates, key=lambda c: (c.created_at, c.complaint_id)):
        text = utils.default_process(c.text)
        bucket = seeds.setdefault((c.sector, c.area), [])
        home = next(
            (
                members
                for seed, members in bucket
                if text and fuzz.token_set_ratio(seed, text, processor=None) >= threshold
            ),
            None,
        )
        if home is None:
            home = []
            bucket.append((text, home))
            groups.append(home)
        home.append(c)
    return groups


def rank(
    candidates: Sequence[Candidate],
    *,
    week_start: datetime,
    week_end: datetime,
    now: datetime,
    choose: int,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Ranked]:
    """Every candidate ranked, the best `choose` group leads chosen (sector-balanced) and put in show order."""
    scored: list[_Scored] = []
    for group in group_near_duplicates(candidates, threshold=weights.similarity):
        own = {c.complaint_id: _own_score(c, week_start, week_end, now, weights) for c in group}
        members = sorted(group, key=lambda c: _order_key(own[c.complaint_id][0], c))
        references = tuple(c.reference for c in members)
        for index, c in enumerate(members):
            score, reasons = own[c.complaint_id]
            reasons |= {"recurrence": len(group), "group": list(references)}
            if index == 0:
                score += weights.recurrence * math.log2(len(group))
            else:
                reasons["grouped_with"] = references[0]
            scored.append(_Scored(c, round(score, 4), reasons, references, lead=index == 0))
    scored.sort(key=_Scored.key)
    picks = _balanced_picks([s for s in scored if s.lead], choose=choose, weights=weights)
    chosen = sorted(
        (s for s in scored if s.candidate.complaint_id in picks), key=lambda s: picks[s.candidate.complaint_id]
    )
    rest = [s for s in scored if s.candidate.complaint_id not in picks]
    return [
        Ranked(
            candidate=s.candidate,
            rank=i,
            score=s.score,
            reasons=s.reasons,
            group=s.group,
            lead=s.lead,
            chosen=s.candidate.complaint_id in picks,
            position=picks.get(s.candidate.complaint_id),
        )
        for i, s in enumerate(chosen + rest, start=1)
    ]


def _order_key(score: float, c: Candidate) -> tuple[float, float, int]:
    return (-score, -c.created_at.timestamp(), c.complaint_id)


def _own_score(
    c: Candidate, week_start: datetime, week_end: datetime, now: datetime, weights: Weights
) -> tuple[float, dict[str, Any]]:
    """A candidate's score before grouping and balancing, with the reasons a producer is shown."""
    reasons: dict[str, Any] = {"answered": c.answered, "sector": c.sector, "overdue_days": None}
    score = weights.answered if c.answered else 0.0
    if not c.answered and c.deadline_at is not None and c.deadline_at < now and c.status == "routed":
        days_over = (now - c.deadline_at).days
        reasons["overdue_days"] = days_over
        reasons["waiting_days"] = (now - (c.routed_at or c.deadline_at)).days
        score += weights.overdue + weights.overdue_per_month * min(days_over, 90) / 30
    recency = _recency(c.created_at, week_start, week_end)
    reasons["recency"] = round(recency, 3)
    score += weights.recency * recency
    return score, reasons


def _recency(created_at: datetime, week_start: datetime, week_end: datetime) -> float:
    """0.5-1.0 through the week (later is higher), fading from 0.5 to 0 over the four weeks before it."""
    if created_at >= week_start:
        return 0.5 + 0.5 * min(1.0, (created_at - week_start) / (week_end - week_start))
    return 0.5 * max(0.0, 1 - (week_start - created_at).days / 28)


def _balanced_picks(leads: list[_Scored], *, choose: int, weights: Weights) -> dict[int, int]:
    """Complaint id → show position: greedily the best lead after the penalty for its sector's earlier picks."""
    picks: dict[int, int] = {}
    per_sector: dict[str | None, int] = {}
    remaining = list(leads)
    while remaining and len(picks) < choose:
        best = min(remaining, key=lambda s: s.key(weights.sector_repeat * per_sector.get(s.candidate.sector, 0)))
        remaining.remove(best)
        sector = best.candidate.sector
        best.reasons["sector_penalty"] = weights.sector_repeat * per_sector.get(sector, 0)
        per_sector[sector] = per_sector.get(sector, 0) + 1
        picks[best.candidate.complaint_id] = len(picks) + 1
    return picks
