"""Fingerprints: Recog matching of banners and the CISA known-exploited catalogue."""

from core.fingerprints.exposure import KEV_FINDING_IDS, cve_ids, kev_findings
from core.fingerprints.kev import (
    Catalog,
    CatalogUpdate,
    current_catalog,
    install_catalog,
    load_catalog,
    read_catalog,
    update_catalog,
    user_catalog_path,
)
from core.fingerprints.summary import Identity, identity, model_and_firmware

__all__ = ["KEV_FINDING_IDS", "Catalog", "CatalogUpdate", "Identity", "current_catalog",
           "cve_ids", "identity", "install_catalog", "kev_findings", "load_catalog",
           "model_and_firmware", "read_catalog", "update_catalog", "user_catalog_path"]
