"""The scratch databases of the benchmark scenarios: each scenario recreates its own, by URL."""

from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def recreate_postgres(url: str, *, drop_only: bool = False) -> None:
    """Drops the URL's database (closing its connections), then creates it empty unless `drop_only`."""
    import psycopg
    from psycopg import sql

    name = sql.Identifier(database_name(url))
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop_postgres(url: str) -> None:
    recreate_postgres(url, drop_only=True)


def recreate_sqlite(path: Path) -> None:
    """Removes the SQLite file and its WAL companions: the next connection starts an empty database."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
