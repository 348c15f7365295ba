"""Evidence packs for insurers: one ZIP with the report, the original photos, the timelines and a
manifest of SHA-256 hashes; and their verification (``python -m frontdesk.evidence.verify``)."""
