"""deploy/: the environment file template lists every setting, the units only use what it sets, and the
HAProxy configuration is valid. The multi-node benchmark starts its nodes from these same files."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from benchmarks.multinode import units

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "src" / "passculture" / "settings.py"
READ = re.compile(r"(?:environ\.get|env_bool|env_list)\(\s*\"([A-Z][A-Z0-9_]+)\"", re.MULTILINE)


def settings_read_from_environment() -> set[str]:
    return set(READ.findall(SETTINGS.read_text(encoding="utf-8"))) - {"DJANGO_SETTINGS_MODULE"}


def test_the_template_lists_every_setting_read_by_settings():
    listed = set(units.read_env_file()) | units.commented_settings()
    read = settings_read_from_environment()
    assert len(read) > 40  # the pattern still finds them
    assert read - listed == set()


def test_every_variable_of_the_units_is_set_in_the_template():
    values = units.read_env_file()
    for unit in ("passculture-web.service", "passculture-worker.service", "passculture-jobs.service"):
        line = units.unit_value(unit, "ExecStart", "Service")
        assert set(re.findall(r"\$\{(\w+)\}", line)) <= set(values), unit
        assert units.unit_value(unit, "EnvironmentFile", "Service") == "/etc/passculture/passculture.env"


def test_exec_start_expands_the_environment_and_runs_this_checkout(tmp_path):
    values = units.render_env(
        {name: "x" for name, value in units.read_env_file().items() if value.startswith("<")}
    )
    argv = units.exec_start(
        "passculture-web.service",
        {**values, "GUNICORN_BIND": "10.0.0.5:8000"},
        host="web1",
        venv_bin="/venv/bin",
    )
    assert argv[:2] == ["/venv/bin/gunicorn", "passculture.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "10.0.0.5:8000"
    assert argv[argv.index("--workers") + 1] == values["GUNICORN_WORKERS"]
    worker = units.exec_start("passculture-worker.service", values, host="worker", venv_bin="/venv/bin")
    assert "worker@worker" in worker


def test_a_placeholder_left_in_the_template_is_refused():
    with pytest.raises(ValueError, match="SECRET_KEY"):
        units.render_env({})


def test_the_jobs_timer_ticks_twice_per_shortest_period():
    from passculture.core.jobs.schedule import SCHEDULE

    assert units.timer_seconds() * 2 <= min(job.every.total_seconds() for job in SCHEDULE)


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy not installed (Debian: haproxy)")
def test_the_haproxy_configuration_is_valid(tmp_path):
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "PASSCULTURE_LB_BIND": "127.0.0.1:18081",
        "PASSCULTURE_WEB1": "127.0.0.1:18082",
        "PASSCULTURE_WEB2": "127.0.0.1:18083",
        "PASSCULTURE_HOST": "pass.example.fr",
        "PASSCULTURE_HEALTH_URI": "/healthz",
        "PASSCULTURE_STATS_SOCKET": str(tmp_path / "haproxy.sock"),
    }
    result = subprocess.run(
        [shutil.which("haproxy"), "-c", "-f", str(ROOT / "deploy" / "haproxy" / "passculture.cfg")],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr
