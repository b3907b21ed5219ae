"""Peak memory of one image upload (issue 12, point 10).

An 8000 x 8000 RGBA PNG of 250 KB passed the 64-megapixel limit; each upload then took about 1.2 GB of
memory and several seconds, and four at once stalled the server. Uploads are now limited by their size
once decoded (core/common/images.py). This scenario measures, for each upload path (offer image: JPEG,
PNG, WebP; identity document photo: JPEG, PNG), the images at the edge of what the limits accept (the
largest dimensions for each format and colour type) and a few refused ones:

- each image is prepared by the real function (`prepare_offer_image`, `prepare_document_photo`) in a
  fresh Python process, after a small warm-up image (libraries loaded, Pillow's allocator primed);
- measured: the process's peak resident memory (Linux `VmHWM`, i.e. ru_maxrss) before and after the
  call, and their difference (`peak_mb`), the wall and CPU time of the call, and its outcome (the stored
  size, or the refusal code);
- `ok` needs every accepted image stored at most at its path's stored size, every refused image refused
  with its code, and the worst accepted `peak_mb` under `--target-mb` (200).

`--src` runs the same images against another checkout's sources (e.g. the code before the fix) to
measure what it did; there `ok` is not expected.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_MB = 200.0
# name -> (path, format, mode, (width, height), expected: "accepted" or a refusal code suffix)
CASES = {
    # Refused: the image (64 megapixels, 256 MB once decoded, 250 KB on disk).
    "offer_png_rgba_8000": ("offer", "PNG", "RGBA", (8000, 8000), "TOO_MANY_PIXELS"),
    "identity_png_rgba_8000": ("identity", "PNG", "RGBA", (8000, 8000), "TOO_MANY_PIXELS"),
    # The largest accepted, per format and colour type.
    "offer_png_rgba_4096": ("offer", "PNG", "RGBA", (4096, 4096), "accepted"),
    "offer_png_rgb_4096": ("offer", "PNG", "RGB", (4096, 4096), "accepted"),
    "offer_png_palette_alpha_4096": ("offer", "PNG", "PA", (4096, 4096), "accepted"),
    "offer_png_grey_8000": ("offer", "PNG", "L", (8000, 8000), "accepted"),
    "offer_jpeg_rgb_8000": ("offer", "JPEG", "RGB", (8000, 8000), "accepted"),
    "offer_jpeg_cmyk_8000": ("offer", "JPEG", "CMYK", (8000, 8000), "accepted"),
    "offer_webp_rgba_2048": ("offer", "WEBP", "RGBA", (2048, 2048), "accepted"),
    "identity_png_rgba_4096": ("identity", "PNG", "RGBA", (4096, 4096), "accepted"),
    "identity_png_grey_8000": ("identity", "PNG", "L", (8000, 8000), "accepted"),
    "identity_jpeg_rgb_8000": ("identity", "JPEG", "RGB", (8000, 8000), "accepted"),
    "identity_jpeg_rgb_4700x3600": ("identity", "JPEG", "RGB", (4700, 3600), "accepted"),
    # Refused just past the limits.
    "offer_png_rgba_4200": ("offer", "PNG", "RGBA", (4200, 4200), "TOO_MANY_PIXELS"),
    "offer_webp_rgba_4096": ("offer", "WEBP", "RGBA", (4096, 4096), "TOO_MANY_PIXELS"),
}
STORED_SIZE = {"offer": (800, 1200), "identity": (2400, 2400)}
MAX_FILE_BYTES = 10 * 1024 * 1024


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--cases", default=",".join(CASES), help="comma-separated, among: " + ", ".join(CASES))
    group.add_argument(
        "--src", type=Path, default=ROOT / "src", help="the sources to measure (default: this checkout's)"
    )
    group.add_argument("--target-mb", type=float, default=TARGET_MB, help="worst accepted peak allowed")


# --- Images --------------------------------------------------------------------------------------


def write_image(path: Path, fmt: str, mode: str, size: tuple[int, int]) -> int:
    """A picture with a few flat blocks: tiny on disk, full size once decoded (what a bomb is). PA is a
    palette PNG with a transparent colour."""
    from PIL import Image

    width, height = size
    base = "RGBA" if mode == "PA" else mode
    colours = {
        "RGBA": [(200, 40, 40, 255), (20, 20, 220, 128), (0, 0, 0, 0)],
        "RGB": [(200, 40, 40), (20, 20, 220), (240, 240, 240)],
        "L": [120, 30, 250],
        "CMYK": [(0, 200, 200, 0), (200, 200, 0, 0), (0, 0, 0, 30)],
    }[base]
    image = Image.new(base, size, colours[0])
    image.paste(colours[1], (0, 0, width // 2, height // 4))
    image.paste(colours[2], (width // 2, height // 2, width, height))
    options: dict = {}
    if mode == "PA":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
        options["transparency"] = image.getpixel((width - 1, height - 1))
    if fmt == "WEBP":
        options["lossless"] = True
    if fmt == "JPEG":
        options["quality"] = 85
    image.save(path, format=fmt, **options)
    del image
    return path.stat().st_size


# --- One measure, in a fresh process ------------------------------------------------------------


def _peak_kb() -> int:
    """Peak resident memory of this process so far, in KB (Linux VmHWM; ru_maxrss elsewhere)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_one(path: str, kind: str) -> dict:
    """Prepares one file as its upload path does; run in a fresh process (`python -m ... --measure`)."""
    import io

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passculture.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from passculture.core.common.exceptions import DomainError

    if kind == "offer":
        from passculture.core.offers.images import prepare_offer_image as prepare
    else:
        from passculture.core.identity.documents import prepare_document_photo as prepare

    warm = io.BytesIO()
    Image.new("RGB", (1200, 1800), (10, 200, 10)).save(warm, format="JPEG")
    prepare(SimpleUploadedFile("warm.jpg", warm.getvalue(), "image/jpeg"))
    content = Path(path).read_bytes()
    upload = SimpleUploadedFile(Path(path).name, content, "application/octet-stream")
    before = _peak_kb()
    started, started_cpu = time.perf_counter(), time.process_time()
    try:
        prepared = prepare(upload)
        outcome = {"accepted": True, "stored_size": list(Image.open(io.BytesIO(prepared.read())).size)}
    except DomainError as error:
        outcome = {"accepted": False, "code": error.code, "message": error.message}
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    after = _peak_kb()
    return {
        **outcome,
        "baseline_mb": round(before / 1024, 1),
        "peak_mb": round((after - before) / 1024, 1),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
    }


def _measure_in_subprocess(src: Path, path: Path, kind: str, var_dir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        PYTHONPATH=os.pathsep.join([str(src), str(ROOT)]),
        PASSCULTURE_VAR_DIR=var_dir,
        DATABASE_URL=f"sqlite:///{var_dir}/db.sqlite3",
    )
    command = [sys.executable, "-m", "benchmarks.scenarios.image_memory", "--measure", str(path), kind]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        return {"fatal": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Run -----------------------------------------------------------------------------------------


def _expected_ok(case: tuple, measured: dict) -> bool:
    kind, _fmt, _mode, _size, expected = case
    if "fatal" in measured:
        return False
    if expected == "accepted":
        stored = measured.get("stored_size") or [10**9, 10**9]
        box = STORED_SIZE[kind]
        fits = stored[0] <= box[0] and stored[1] <= box[1] if kind == "offer" else max(stored) <= box[0]
        return measured["accepted"] and fits
    return not measured["accepted"] and measured["code"].endswith(expected)


def run(args: argparse.Namespace) -> dict:
    names = [n.strip() for n in args.cases.split(",") if n.strip()]
    unknown = set(names) - set(CASES)
    if unknown:
        raise SystemExit(f"unknown cases: {', '.join(sorted(unknown))}")
    src = args.src.resolve()
    results = {}
    with tempfile.TemporaryDirectory(prefix="image-memory-") as tmp:
        for name in names:
            kind, fmt, mode, size, expected = CASES[name]
            path = Path(tmp) / f"{name}.{fmt.lower()}"
            file_bytes = write_image(path, fmt, mode, size)
            if file_bytes > MAX_FILE_BYTES:
                raise SystemExit(
                    f"{name}: {file_bytes} bytes, over the upload limit: the case measures nothing"
                )
            measured = _measure_in_subprocess(src, path, kind, tmp)
            results[name] = {
                "path": kind,
                "file": {"format": fmt, "mode": mode, "size": list(size), "bytes": file_bytes},
                "expected": expected,
                **measured,
                "as_expected": _expected_ok(CASES[name], measured),
            }
            print(
                f"  {name}: {'accepted' if measured.get('accepted') else measured.get('code', 'FAILED')}, "
                f"peak +{measured.get('peak_mb')} MB, {measured.get('seconds')} s",
                flush=True,
            )
            path.unlink()
    accepted = {n: r for n, r in results.items() if r.get("accepted")}
    worst = max(accepted, key=lambda n: accepted[n]["peak_mb"]) if accepted else None
    checks = {
        "every_case_as_expected": all(r["as_expected"] for r in results.values()),
        "worst_accepted_under_target": worst is None or accepted[worst]["peak_mb"] < args.target_mb,
    }
    return {
        "params": {"src": str(src), "target_mb": args.target_mb, "stored_size": STORED_SIZE},
        "machine": {"cpus": os.cpu_count(), "load_average": [round(v, 2) for v in os.getloadavg()]},
        "cases": results,
        "worst_accepted": {"case": worst, "peak_mb": accepted[worst]["peak_mb"]} if worst else None,
        "checks": checks,
        "ok": all(checks.values()),
    }


if __name__ == "__main__" and sys.argv[1:2] == ["--measure"]:
    print(json.dumps(measure_one(sys.argv[2], sys.argv[3])))
