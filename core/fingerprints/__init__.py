"""Fingerprints: Recog matching of banners and the CISA known-exploited catalogue."""
