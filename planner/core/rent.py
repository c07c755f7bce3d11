"""Buy or rent: what a workload costs on the build — its parts spread over the build's
working life, less what they sell for at the end, plus electricity — against renting the
same GPUs in the cloud for the same hours; the utilisation and the months at which owning
becomes cheaper.

Owning, per hour the build works: (price − resale) ÷ (life in hours × utilisation) + the
wall draw × the electricity price. Renting, per hour: GPUs × the offer's price per
GPU-hour. Break-even utilisation: (price − resale) ÷ (life hours × (rent − electricity per
hour)); break-even months at a utilisation: (price − resale) ÷ ((rent − electricity per
hour) × 730 h × utilisation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.core.assembly import Assembly
from planner.core.checks import CheckReport
from planner.core.records import spec

HOURS_PER_MONTH = 730  # 8,760 hours a year ÷ 12
KINDS = ("on-demand", "spot")


@dataclass(frozen=True, kw_only=True)
class CloudPrice:
    """One cloud offer for one catalog GPU, per GPU-hour."""

    gpu: str = spec()
    provider: str = spec()
    offer: str = spec()
    usd_per_gpu_hour: float = spec(low=0.01, high=1_000)
    kind: str = spec(choices=KINDS)
    date: str = spec()
    source: str = spec()
    quote: str = spec(default="")
    notes: str = spec(default="")
    yours: bool = False  # from the user's own cloud-prices.toml


@dataclass(frozen=True)
class Ownership:
    """How the build is paid for and used: the user's assumptions."""

    life_years: float = 3.0
    utilisation: float = 0.5  # share of all hours the build works
    resale_share: float = 0.0  # of the price, recovered when sold at the end of its life

    @property
    def busy_hours(self) -> float:
        return self.life_years * 8_760 * self.utilisation


@dataclass(frozen=True)
class RentComparison:
    price_usd: float  # the build
    wall_kw: float  # under load
    electricity_usd_per_kwh: float
    gpus: int
    offer: CloudPrice | None  # the cheapest offer of the kind asked for, for the build's GPU
    ownership: Ownership

    @property
    def power_usd_per_hour(self) -> float:
        return self.wall_kw * self.electricity_usd_per_kwh

    @property
    def capital_usd(self) -> float:
        return self.price_usd * (1 - self.ownership.resale_share)

    @property
    def own_usd_per_hour(self) -> float:
        """Owning, per hour the build works."""
        busy = self.ownership.busy_hours
        return (self.capital_usd / busy if busy else float("inf")) + self.power_usd_per_hour

    @property
    def rent_usd_per_hour(self) -> float | None:
        return self.gpus * self.offer.usd_per_gpu_hour if self.offer else None

    @property
    def break_even_utilisation(self) -> float | None:
        """The share of hours above which owning is cheaper (None: renting always is)."""
        margin = (self.rent_usd_per_hour or 0.0) - self.power_usd_per_hour
        hours = self.ownership.life_years * 8_760
        if self.offer is None or margin <= 0 or not hours:
            return None
        return self.capital_usd / (hours * margin)

    @property
    def break_even_months(self) -> float | None:
        """Months of use at the chosen utilisation until owning has paid for itself."""
        margin = (self.rent_usd_per_hour or 0.0) - self.power_usd_per_hour
        monthly = margin * HOURS_PER_MONTH * self.ownership.utilisation
        if self.offer is None or monthly <= 0:
            return None
        return self.capital_usd / monthly

    def verdict(self) -> str:
        """Which is cheaper, in words, with the break-even use and months."""
        ownership = self.ownership
        share, months = self.break_even_utilisation, self.break_even_months
        life = f"{ownership.life_years:g}-year life"
        if self.offer is None:
            return "no cloud offer to compare with"
        if share is None or share > 1:
            return f"renting is cheaper even if the build worked every hour of its {life}"
        if ownership.utilisation < share:
            return (
                f"owning pays off above {share:.0%} use; at {ownership.utilisation:.0%}, "
                f"renting is cheaper over its {life} (owning would need {months or 0:,.0f} "
                "months)"
            )
        return (
            f"owning pays off above {share:.0%} use; at {ownership.utilisation:.0%}, after "
            f"{months or 0:,.0f} months"
        )

    def cumulative(self, months: Sequence[int]) -> tuple[list[float], list[float]]:
        """Dollars spent by each month: owning (the price up front, less resale at the end
        of its life, plus electricity) and renting."""
        hours = HOURS_PER_MONTH * self.ownership.utilisation
        resale = self.price_usd * self.ownership.resale_share
        end = self.ownership.life_years * 12
        own = [
            self.price_usd + self.power_usd_per_hour * hours * m - (resale if m >= end else 0.0)
            for m in months
        ]
        rent = [(self.rent_usd_per_hour or 0.0) * hours * m for m in months]
        return own, rent


def offers_for(prices: Sequence[CloudPrice], gpu_id: str, kind: str) -> list[CloudPrice]:
    """The offers of `kind` for the GPU, cheapest first."""
    found = [p for p in prices if p.gpu == gpu_id and p.kind == kind]
    return sorted(found, key=lambda p: p.usd_per_gpu_hour)


def typical_offer(prices: Sequence[CloudPrice], gpu_id: str, kind: str) -> CloudPrice | None:
    """The offer to compare with unless the user picks one: their own cheapest quote, else
    the median of the table's offers (a single marketplace bargain is not what a renter
    can count on)."""
    offers = offers_for(prices, gpu_id, kind)
    yours = [p for p in offers if p.yours]
    if yours:
        return yours[0]
    return offers[(len(offers) - 1) // 2] if offers else None


@dataclass(frozen=True)
class WorkloadCost:
    name: str
    hours: float  # one run on the build
    own_usd: float
    rent_usd: float | None


def workload_costs(
    comparison: RentComparison, runs: Sequence[tuple[str, float]]
) -> list[WorkloadCost]:
    """Each (name, hours on the build) run, owned and rented for the same hours."""
    rent = comparison.rent_usd_per_hour
    return [
        WorkloadCost(
            name,
            hours,
            hours * comparison.own_usd_per_hour,
            hours * rent if rent is not None else None,
        )
        for name, hours in runs
    ]


@dataclass(frozen=True)
class RentPlan:
    comparison: RentComparison
    costs: tuple[WorkloadCost, ...]
    gpu_name: str
    unpriced: int  # parts without a price: the build's price is a lower bound
    gpu_priced: bool = True  # False: owning has no price to weigh (a cloud-only card)

    def verdict(self) -> str:
        """The comparison's verdict, or why there is none."""
        if not self.gpu_priced:
            return (
                f"the {self.gpu_name} has no purchase price, so owning cannot be weighed; "
                "put in the price you were quoted (double-click its price in the build) "
                "to compare"
            )
        return self.comparison.verdict()


def rent_plan(
    assembly: Assembly,
    report: CheckReport,
    prices: Sequence[CloudPrice],
    ownership: Ownership,
    kind: str = "on-demand",
    offer: CloudPrice | None = None,
) -> RentPlan | None:
    """The build against renting its GPUs: each training run and each served model's
    million tokens, owned and rented (None without a GPU)."""
    if not assembly.gpus or report.power is None:
        return None
    gpu = assembly.gpus[0][0]
    settings = assembly.build.settings
    gpus = max(1, len(report.layout.gpus) if report.layout else assembly.gpus[0][1].count)
    comparison = RentComparison(
        price_usd=assembly.total_price_usd,
        wall_kw=report.power.wall_w / 1000,
        electricity_usd_per_kwh=settings.electricity_usd_per_kwh,
        gpus=gpus,
        offer=offer or typical_offer(prices, gpu.id, kind),
        ownership=ownership,
    )
    runs: list[tuple[str, float]] = []
    for result in report.estimates:
        if result.estimate is not None and result.estimate.memory.fits:
            runs.append((result.estimate.workload.name, result.estimate.time_to_train_s / 3600))
        plan = result.serving
        if plan is not None and result.workload is not None and plan.result.memory.fits:
            tokens_per_hour = plan.result.speed.aggregate_tokens_per_s * 3600
            runs.append((f"{result.workload.name}: 1M tokens served", 1e6 / tokens_per_hour))
    return RentPlan(
        comparison,
        tuple(workload_costs(comparison, runs)),
        gpu.display_name,
        len(assembly.unpriced),
        gpu.price_usd is not None,
    )
