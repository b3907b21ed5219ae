"""System checks about the deployment, run by `passculture check` and before every management command.

Registered from an AppConfig.ready (the back office's: the operators' side of the project).

Retired: `passculture.W001` warned that rate limits were counted per process without CACHE_URL. The
counters are now always shared by every worker (Redis with CACHE_URL, else the database: see
core.common.counters), so there is nothing left to warn about; the id is not reused.
"""
