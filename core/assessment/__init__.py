"""The one assessment of a site: the window, the CLI and the report all read their findings here."""

from core.assessment.assess import assess_device, derived_findings, summarise
from core.assessment.from_scan import assess_scan
from core.assessment.from_store import assess_one, assess_site
from core.assessment.model import (
    AssessedFinding,
    DeviceAssessment,
    KevUse,
    Origin,
    SiteAssessment,
    count_open,
)

__all__ = [
    "AssessedFinding",
    "DeviceAssessment",
    "KevUse",
    "Origin",
    "SiteAssessment",
    "assess_device",
    "assess_one",
    "assess_scan",
    "assess_site",
    "count_open",
    "derived_findings",
    "summarise",
]
