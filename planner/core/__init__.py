"""The domain: parts, catalog, builds, checks and models. No Qt in here."""
