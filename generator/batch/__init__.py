"""Many outputs from one dispatch: per-province copies, the manifest that keeps them current,
print files, watch mode, and the lock that keeps one run per folder."""
