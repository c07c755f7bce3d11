"""Files: paths, TOML reading and writing, profiles, catalog files. No Qt in here."""
