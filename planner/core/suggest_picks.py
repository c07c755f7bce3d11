"""What a suggestion is: a build that passes every check with its price and time, and the
picks on the price–time front — the cheapest that meets the deadline, the fastest within the
budget, the best value — each with why it wins and what it gives up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planner.core.assembly import Assembly
from planner.core.build import Build
from planner.core.catalog import Catalog
from planner.core.checks import CheckReport
from planner.core.findings import Severity

if TYPE_CHECKING:
    from planner.core.suggest_platform import Constraints

SECONDS_PER_MILLION_TOKENS = 1e6  # a served model's share of the time axis: 1M tokens


@dataclass(frozen=True)
class Candidate:
    build: Build
    price_usd: float
    hours: float  # the training workloads' run time, plus an hour per ~1M served tokens' time
    train_hours: float
    serve_tokens_per_s: float  # the served workloads' tokens/s in all, summed
    warnings: int
    report: CheckReport = field(compare=False, repr=False)

    def beats(self, other: Candidate) -> bool:
        """Cheaper-or-equal and faster-or-equal, and better in one."""
        return (
            self.price_usd <= other.price_usd
            and self.hours <= other.hours
            and (self.price_usd < other.price_usd or self.hours < other.hours)
        )


@dataclass(frozen=True)
class Pick:
    title: str  # "Cheapest that meets the deadline"
    candidate: Candidate
    why: str
    gives_up: str


def candidate_of(build: Build, report: CheckReport, catalog: Catalog) -> Candidate:
    price = Assembly.resolve(build, catalog).total_price_usd
    train = sum(
        r.estimate.time_to_train_s / 3600 for r in report.estimates if r.estimate is not None
    )
    served = sum(
        r.serving.result.speed.aggregate_tokens_per_s
        for r in report.estimates
        if r.serving is not None
    )
    serve_hours = sum(
        SECONDS_PER_MILLION_TOKENS / r.serving.result.speed.aggregate_tokens_per_s / 3600
        for r in report.estimates
        if r.serving is not None
    )
    warnings = len(report.of_severity(Severity.WARNING))
    return Candidate(build, price, train + serve_hours, train, served, warnings, report)


def picks_for(front: Sequence[Candidate], constraints: Constraints) -> tuple[Pick, ...]:
    if not front:
        return ()
    picks: list[Pick] = []
    deadline = constraints.deadline_hours
    meeting = [c for c in front if deadline is None or c.hours <= deadline]
    if meeting:
        cheapest = min(meeting, key=lambda c: (c.price_usd, c.hours))
        title = "Cheapest that meets the deadline" if deadline else "Cheapest that works"
        faster = [c for c in front if c.hours < cheapest.hours]
        picks.append(
            Pick(
                title,
                cheapest,
                f"${cheapest.price_usd:,.0f} for {cheapest.hours:,.1f} h of work"
                + (f", within the {deadline:,.0f} h deadline" if deadline else ""),
                f"{cheapest.hours / min(c.hours for c in faster):.1f}× slower than the fastest "
                "suggestion"
                if faster
                else "nothing: it is also the fastest",
            )
        )
    fastest = min(front, key=lambda c: (c.hours, c.price_usd))
    budget = constraints.budget_usd
    picks.append(
        Pick(
            "Fastest within the budget" if budget else "Fastest",
            fastest,
            f"{fastest.hours:,.1f} h of work for ${fastest.price_usd:,.0f}",
            f"${fastest.price_usd - front[0].price_usd:,.0f} more than the cheapest suggestion"
            if fastest is not front[0]
            else "nothing: it is also the cheapest",
        )
    )
    value = min(front, key=lambda c: c.price_usd * c.hours)
    picks.append(
        Pick(
            "Best value",
            value,
            f"the least price × time: ${value.price_usd:,.0f} × {value.hours:,.1f} h",
            f"{value.hours / fastest.hours:.1f}× the fastest's time, "
            f"{value.price_usd / front[0].price_usd:.1f}× the cheapest's price",
        )
    )
    return tuple(picks)
