"""`runjobs` on several nodes of the multi-node run, and the check that each slot ran once."""

import datetime as dt
import itertools
import json
import subprocess
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

from . import data, network


class JobRunners:
    """`runjobs` on some nodes, all every `interval` seconds, as the timer would (same instant: the worst
    case for the claim); plus a poller of JobRun that records every claim (a new last_started_at)."""

    def __init__(self, nodes, argv: list[str], env: dict, interval: float, log: Path) -> None:
        self.nodes, self.argv, self.env, self.interval, self.log = nodes, argv, env, interval, log
        self.runs: list[dict] = []
        self.claims: dict[str, set[str]] = defaultdict(set)
        self.stopping = threading.Event()
        self.polling = threading.Event()
        self.threads: list[threading.Thread] = []
        self.poller: threading.Thread | None = None

    def _runner(self, node, offset: float) -> None:
        next_at = time.monotonic() + offset
        while not self.stopping.wait(max(next_at - time.monotonic(), 0)):
            next_at += self.interval
            started = time.time()
            proc = subprocess.run(
                network.in_namespace(node, self.argv),
                env=self.env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            with open(self.log, "a", encoding="utf-8") as out:
                out.write(f"--- {node.name} {started:.1f} rc={proc.returncode}\n{proc.stdout}{proc.stderr}\n")
            try:
                ran = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else {}
            except (ValueError, IndexError):
                ran = {}
            self.runs.append(
                {"node": node.name, "started": started, "rc": proc.returncode, "jobs": sorted(ran)}
            )

    def _poller(self) -> None:
        from django.db import connection

        try:
            while not self.polling.wait(0.25):
                self.poll()
        finally:
            connection.close()

    def poll(self) -> None:
        for name, at in data.job_claims().items():
            if at:
                self.claims[name].add(at)

    def start(self) -> None:
        # Every node at the same instant: the worst case for the claim (timers of real machines drift).
        for node in self.nodes:
            self.threads.append(threading.Thread(target=self._runner, args=(node, 0.0), daemon=True))
        self.poller = threading.Thread(target=self._poller, daemon=True)
        for thread in [*self.threads, self.poller]:
            thread.start()

    def stop(self) -> None:
        """The runners finish the call they are in; then the poller stops, after a last look."""
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=320)
        self.polling.set()
        if self.poller is not None:
            self.poller.join(timeout=10)

    def check(self) -> dict:
        from passculture.core.jobs.schedule import SCHEDULE

        reported = Counter(job for run in self.runs for job in run["jobs"])
        by_node = {
            node.name: sum(len(r["jobs"]) for r in self.runs if r["node"] == node.name) for node in self.nodes
        }
        jobs, problems = {}, []
        for job in SCHEDULE:
            claims = sorted(self.claims.get(job.name, ()))
            times = [dt.datetime.fromisoformat(at) for at in claims]
            gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
            too_close = [g for g in gaps if g < job.every.total_seconds()]
            jobs[job.name] = {
                "every_s": job.every.total_seconds(),
                "claims_seen": len(claims),
                "runs_reported": reported.get(job.name, 0),
                "min_gap_s": round(min(gaps), 1) if gaps else None,
            }
            if too_close or reported.get(job.name, 0) != len(claims) or not claims:
                problems.append(job.name)
        return {
            "runners": [node.name for node in self.nodes],
            "interval_s": self.interval,
            "runjobs_calls": len(self.runs),
            "runjobs_failed_calls": sum(1 for r in self.runs if r["rc"] != 0),
            "job_runs_by_node": by_node,
            "jobs": jobs,
            "jobs_run_twice_or_never": problems,
            "ok": not problems and all(r["rc"] == 0 for r in self.runs),
        }
