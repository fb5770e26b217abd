"""Fingerprints: Recog matching of banners and the CISA known-exploited catalogue."""

from core.fingerprints.kev import Catalog, install_catalog, load_catalog, user_catalog_path
from core.fingerprints.summary import model_and_firmware

__all__ = ["Catalog", "install_catalog", "load_catalog", "model_and_firmware",
           "user_catalog_path"]
