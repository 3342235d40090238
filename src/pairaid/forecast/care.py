"""The dated, sourced assumptions that turn active cases into bed census, and census into need
and harm: one place to read and cite them (as parameters.py is for the case forecasts).

None of these figures was observed in the record: the record counts cases, never patients in
beds. Everything computed from them is a model output.

Severity (Wu Z, McGoogan JM. "Characteristics of and important lessons from the coronavirus
disease 2019 (COVID-19) outbreak in China: summary of a report of 72 314 cases from the Chinese
Center for Disease Control and Prevention." JAMA 2020; 323(13):1239-1242,
doi:10.1001/jama.2020.2648): of 44,415 confirmed cases with a known spectrum, 36,160 mild (81 %),
6,168 severe (14 %) and 2,087 critical (5 %); 1,023 of the 2,087 critical cases died (49.0 %).

Lengths of stay (Rees EM, Nightingale ES, Jafari Y, et al. "COVID-19 length of hospital stay: a
systematic review and data synthesis." BMC Medicine 2020; 18:270,
doi:10.1186/s12916-020-01726-3): the summary distributions for China have a median hospital stay
of 14 days (IQR 10-19) and a median ICU stay of 8 days (IQR 5-13).

Ventilation (Chang R, Elhusseiny KM, Yeh YC, Sun WZ. "COVID-19 ICU and mechanical ventilation
patient characteristics and outcomes - a systematic review and meta-analysis." PLoS One 2021;
16(2):e0246318, doi:10.1371/journal.pone.0246318): 69 % of ICU admissions needed invasive
mechanical ventilation (95 % CI 61-75 %).

Who was admitted (dated): until 2020-02-04 mild confirmed cases were isolated at home; from
2020-02-05, when the first Fangcang shelter hospitals opened in Wuhan, every confirmed case was
to be admitted (应收尽收), the mild ones to shelter hospitals. Sources: "Fangcang shelter
hospitals during the COVID-19 epidemic, Wuhan, China." Bull World Health Organ 2020;
98:830-841D, doi:10.2471/BLT.20.258152 (the decision of 3 February, the opening on 5 February,
"changed the family-based quarantine approach into group isolation of mild confirmed cases");
Chen S, Zhang Z, Yang J, et al. "Fangcang shelter hospitals: a novel concept for responding to
public health emergencies." Lancet 2020; 395(10232):1305-1314,
doi:10.1016/S0140-6736(20)30744-3. Assumption: the policy held in the 16 other cities of Hubei
from the same date (the sources describe Wuhan).

Death of a patient who needs a bed and has none (Martin C, McDonald S, Bale S, Luteijn M, Sarkar
R. "Construction of a demand and capacity model for intensive care and hospital ward beds, and
mortality from COVID-19." BMC Med Inform Decis Mak 2021; 21,
doi:10.1186/s12911-021-01504-y, Table 2, expert judgements): general ward care 1 % within
capacity, 3 % with no bed; ward care on oxygen (> 35 %) 1 % within capacity, 50 % with no bed;
supportive care in ICU 1 % within capacity, 75 % with no bed. Applied here per bed type as the
excess risk (no bed minus within capacity); the ICU figure is applied to both ICU types (the
table's row for invasive ventilation is not used), so the deaths of ventilated patients without
a bed are, if anything, under-stated. A sensitivity table varies the ICU figure.

Critical-care staff among the aid teams: at the State Council joint prevention and control
mechanism's press conference of 2020-02-17, Guo Yanhong (National Health Commission, medical
administration) said that of the 30,000-odd medical staff sent to Hubei, 11,000 were
critical-care professionals (国务院联防联控机制新闻发布会, 2020-02-17: "已经派出3万余名医务人员,
其中1.1万重症专业医务人员"); by 2020-02-19 the teams numbered 32,395 (press conference of
2020-02-20, Mi Feng). The share 11,000 / 30,000 = 0.37 is an upper figure, 11,000 / 32,395 =
0.34 a lower one. Applied alike to the doctors and nurses of every donor's staff: they may staff
ICU beds (`pairaid.engine.staffing`: ICU staff), the rest ward beds only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Final, Literal

from pairaid.engine.beds import BED_TYPES

Severity = Literal["mild", "severe", "critical"]
SEVERITIES: Final[tuple[Severity, ...]] = ("mild", "severe", "critical")

WU_MCGOOGAN_2020: Final = "Wu & McGoogan 2020, JAMA 323(13):1239-1242, doi:10.1001/jama.2020.2648"
REES_2020: Final = "Rees et al. 2020, BMC Med 18:270, doi:10.1186/s12916-020-01726-3"
CHANG_2021: Final = "Chang et al. 2021, PLoS One 16(2):e0246318, doi:10.1371/journal.pone.0246318"
FANGCANG_2020: Final = (
    "Bull World Health Organ 2020; 98:830-841D, doi:10.2471/BLT.20.258152; Chen et al. 2020, "
    "Lancet 395(10232):1305-1314, doi:10.1016/S0140-6736(20)30744-3"
)
MARTIN_2021: Final = (
    "Martin et al. 2021, BMC Med Inform Decis Mak 21, doi:10.1186/s12911-021-01504-y, "
    "Table 2 (expert judgement)"
)

# Confirmed cases by spectrum of disease, Wu & McGoogan 2020 (N = 44,415).
SEVERITY_COUNTS: Final[dict[Severity, int]] = {"mild": 36_160, "severe": 6_168, "critical": 2_087}


@dataclass(frozen=True)
class Range:
    """A sourced central figure and the range around it that sampling and sensitivity use."""

    central: float
    low: float
    high: float
    source: str

    def __post_init__(self) -> None:
        if not self.low <= self.central <= self.high:
            raise ValueError(f"{self.central} lies outside its range [{self.low}, {self.high}]")


HOSPITAL_STAY_DAYS: Final = Range(14.0, 10.0, 19.0, f"{REES_2020}: China, median (IQR)")
ICU_STAY_DAYS: Final = Range(8.0, 5.0, 13.0, f"{REES_2020}: China, median (IQR)")
VENTILATED_SHARE_OF_ICU: Final = Range(0.69, 0.61, 0.75, f"{CHANG_2021}: pooled (95 % CI)")

CRITICAL_CARE_PRESS_2020: Final = (
    "State Council joint prevention and control mechanism press conferences of 2020-02-17 "
    "(Guo Yanhong, NHC: 11,000 critical-care staff of 30,000-odd sent) and 2020-02-20 (Mi Feng, "
    "NHC: 32,395 staff by 2020-02-19)"
)
CRITICAL_CARE_SHARE_OF_AID: Final = Range(
    11_000 / 30_000, 11_000 / 32_395, 11_000 / 30_000, CRITICAL_CARE_PRESS_2020
)


@dataclass(frozen=True)
class AdmissionPolicy:
    """From `start` on (None: from the beginning), the severities admitted to a hospital bed."""

    start: datetime.date | None
    admitted: tuple[Severity, ...]
    source: str


ADMISSION_POLICIES: Final = (
    AdmissionPolicy(None, ("severe", "critical"), f"{FANGCANG_2020} (mild cases home-isolated)"),
    AdmissionPolicy(
        datetime.date(2020, 2, 5),
        SEVERITIES,
        f"{FANGCANG_2020} (应收尽收: every confirmed case admitted; assumed for all of Hubei)",
    ),
)


def admission_policy(
    day: datetime.date, policies: tuple[AdmissionPolicy, ...] = ADMISSION_POLICIES
) -> AdmissionPolicy:
    """The policy in force on `day`: the last one that had started by then."""
    in_force = [p for p in policies if p.start is None or p.start <= day]
    if not in_force:
        raise ValueError(f"no admission policy in force on {day}")
    return max(in_force, key=lambda p: p.start or datetime.date.min)


@dataclass(frozen=True)
class DeathRisk:
    """Risk of death of a patient who needs a bed of a type, with one and without one."""

    with_bed: float
    without_bed: Range

    @property
    def excess(self) -> float:
        return self.without_bed.central - self.with_bed


DEATH_RISK: Final[dict[str, DeathRisk]] = {
    "general": DeathRisk(0.01, Range(0.03, 0.03, 0.03, f"{MARTIN_2021}: general ward care")),
    "oxygen": DeathRisk(0.01, Range(0.50, 0.50, 0.50, f"{MARTIN_2021}: ward care O2 > 35 %")),
    # The sensitivity range runs from the figure to certain death (an upper bound, not a source).
    "icu": DeathRisk(0.01, Range(0.75, 0.75, 1.0, f"{MARTIN_2021}: supportive care in ICU")),
    "icu_ventilated": DeathRisk(
        0.01, Range(0.75, 0.75, 1.0, f"{MARTIN_2021}: supportive care in ICU")
    ),
}
assert tuple(DEATH_RISK) == BED_TYPES  # one risk per bed type, in the engine's order


def severity_share(severity: Severity) -> float:
    return SEVERITY_COUNTS[severity] / sum(SEVERITY_COUNTS.values())


def assumptions_text() -> list[str]:
    """Every assumption as a line a report can print, with its source."""
    lines = [
        "severity of confirmed cases: "
        + ", ".join(f"{s} {severity_share(s):.1%}" for s in SEVERITIES)
        + f" ({WU_MCGOOGAN_2020})",
        f"hospital stay {HOSPITAL_STAY_DAYS.central:g} d (range {HOSPITAL_STAY_DAYS.low:g}-"
        f"{HOSPITAL_STAY_DAYS.high:g}); ICU stay {ICU_STAY_DAYS.central:g} d (range "
        f"{ICU_STAY_DAYS.low:g}-{ICU_STAY_DAYS.high:g}), inside the hospital stay ({REES_2020})",
        f"ventilated share of ICU patients {VENTILATED_SHARE_OF_ICU.central:.0%} (range "
        f"{VENTILATED_SHARE_OF_ICU.low:.0%}-{VENTILATED_SHARE_OF_ICU.high:.0%}; {CHANG_2021})",
    ]
    starts = [p.start for p in ADMISSION_POLICIES[1:]] + [None]
    for policy, next_start in zip(ADMISSION_POLICIES, starts, strict=True):
        since = f"from {policy.start}" if policy.start else f"before {next_start}"
        lines.append(f"admitted {since}: {', '.join(policy.admitted)} cases ({policy.source})")
    lines.append(
        f"critical-care share of aid staff {CRITICAL_CARE_SHARE_OF_AID.central:.0%} (range "
        f"{CRITICAL_CARE_SHARE_OF_AID.low:.0%}-{CRITICAL_CARE_SHARE_OF_AID.high:.0%}; "
        f"{CRITICAL_CARE_PRESS_2020})"
    )
    for bed_type, risk in DEATH_RISK.items():
        lines.append(
            f"death risk of a patient who needs a bed of type {bed_type}: "
            f"{risk.with_bed:.0%} with one, "
            f"{risk.without_bed.central:.0%} without ({risk.without_bed.source})"
        )
    return lines
