"""The scratch databases of the benchmark scenarios: each scenario recreates its own, by URL."""

import multiprocessing as mp
from collections.abc import Callable
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


def copy_postgres(url: str, template: str) -> bool:
    """Recreates the URL's database as a copy of the database `template` (same server); False when
    there is no such template. PostgreSQL copies the files: seconds, against minutes of generating."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone() is None:
            return False
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database_name(url)))
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(database_name(url)), sql.Identifier(template)
            )
        )
    return True


def save_postgres_template(url: str, template: str) -> None:
    """Keeps a copy of the URL's database, named `template`, for `copy_postgres` (closes its connections)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(template)))
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database_name(url)],
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(template), sql.Identifier(database_name(url))
            )
        )


def drop_postgres(url: str) -> None:
    recreate_postgres(url, drop_only=True)


def recreate_sqlite(path: Path) -> None:
    """Removes the SQLite file and its WAL companions: the next connection starts an empty database."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def database_kinds(args) -> list[str]:
    """`--databases` parsed ("sqlite", "postgresql" or both); refuses to drop a PostgreSQL database whose
    name does not say it is a benchmark's, unless `--allow-drop`."""
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    if not kinds or not set(kinds) <= {"sqlite", "postgresql"}:
        raise SystemExit("--databases: sqlite, postgresql or both")
    name = database_name(args.database_url)
    if "postgresql" in kinds and "bench" not in name and not args.allow_drop:
        raise SystemExit(f"refusing to drop database {name!r} (no 'bench' in its name): pass --allow-drop")
    return kinds


def run_on_each_database(kinds: list[str], args, describe: Callable[[str, str], str], target, *extra) -> dict:
    """Runs `target(kind, url, args, *extra, queue)` in a fresh process per database kind, each on a scratch
    database recreated before (and dropped after, unless `--keep-database`); returns what each put on
    its queue, by kind. `describe(kind, url)` is the line printed before each run."""
    ctx = mp.get_context("spawn")
    results = {}
    for kind in kinds:
        if kind == "sqlite":
            recreate_sqlite(args.sqlite_path)
            url = f"sqlite:///{args.sqlite_path.resolve()}"
        else:
            recreate_postgres(args.database_url)
            url = args.database_url
        print(describe(kind, url), flush=True)
        queue = ctx.Queue()
        process = ctx.Process(target=target, args=(kind, url, args, *extra, queue), name=f"bench-{kind}")
        process.start()
        results[kind] = queue.get()
        process.join()
        if not args.keep_database:
            if kind == "sqlite":
                recreate_sqlite(args.sqlite_path)
            else:
                drop_postgres(args.database_url)
    return results
