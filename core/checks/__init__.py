"""Exposure checks: run_checks() fills each device's open ports and findings."""

from core.checks.options import CheckOptions, Consent, bind_consent, consent_from_cli
from core.checks.runner import run_checks

__all__ = ["CheckOptions", "Consent", "bind_consent", "consent_from_cli", "run_checks"]
