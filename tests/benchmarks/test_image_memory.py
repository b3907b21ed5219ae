"""The image_memory benchmark's parts, and one measure in a fresh process on a small image (the peaks
themselves are read in its JSON result, never asserted here: docs/benchmarks.md)."""

import argparse

import pytest
from benchmarks.run import build_parser
from benchmarks.scenarios import image_memory as scenario
from PIL import Image

from passculture.core.common.images import MAX_DECODED_BYTES, MAX_PIXELS, WEBP_DECODING_COPIES


def _decoding_bytes(fmt: str, mode: str, size: tuple[int, int]) -> int:
    per_pixel = 1 if mode == "L" else 4
    return size[0] * size[1] * per_pixel * (WEBP_DECODING_COPIES if fmt == "WEBP" else 1)


def test_the_cases_sit_at_the_edges_of_the_limits():
    for name, (_, fmt, mode, size, expected) in scenario.CASES.items():
        if fmt == "JPEG":  # decoded scaled down: bounded by the pixel limit instead
            assert size[0] * size[1] <= MAX_PIXELS, name
        elif expected == "accepted":
            assert _decoding_bytes(fmt, mode, size) <= MAX_DECODED_BYTES, name
            assert _decoding_bytes(fmt, mode, (size[0] * 2, size[1])) > MAX_DECODED_BYTES or mode == "L", name
        else:
            assert _decoding_bytes(fmt, mode, size) > MAX_DECODED_BYTES, name


@pytest.mark.parametrize(
    ("fmt", "mode"), [("PNG", "RGBA"), ("PNG", "PA"), ("JPEG", "CMYK"), ("WEBP", "RGBA")]
)
def test_the_generated_images_have_the_asked_size_and_colours(tmp_path, fmt, mode):
    path = tmp_path / f"image.{fmt.lower()}"

    scenario.write_image(path, fmt, mode, (640, 480))

    with Image.open(path) as image:
        assert (image.format, image.size) == (fmt, (640, 480))
        assert image.mode == ("P" if mode == "PA" else mode)


def test_the_scenario_refuses_an_unknown_case():
    parser, _ = build_parser(["image_memory"])
    args = parser.parse_args(["image_memory", "--cases", "offer_png_rgba_8000,nope"])

    with pytest.raises(SystemExit, match="unknown cases: nope"):
        scenario.run(args)


def test_an_outcome_is_judged_against_the_case_s_expectation():
    accepted = {"accepted": True, "stored_size": [800, 800]}
    refused = {"accepted": False, "code": "IMAGE_TOO_MANY_PIXELS"}

    assert scenario._expected_ok(scenario.CASES["offer_png_rgba_4096"], accepted)
    assert not scenario._expected_ok(scenario.CASES["offer_png_rgba_4096"], refused)
    assert scenario._expected_ok(scenario.CASES["offer_png_rgba_8000"], refused)
    assert not scenario._expected_ok(scenario.CASES["offer_png_rgba_8000"], accepted)


def test_one_upload_is_measured_in_a_fresh_process(tmp_path):
    path = tmp_path / "poster.png"
    scenario.write_image(path, "PNG", "RGBA", (1200, 1800))

    measured = scenario._measure_in_subprocess(scenario.ROOT / "src", path, "offer", str(tmp_path))

    assert measured["accepted"] and measured["stored_size"] == [800, 1200]
    assert measured["peak_mb"] >= 0 and measured["baseline_mb"] > 0


def test_the_defaults_measure_every_case_with_a_200_mb_target():
    parser, _ = build_parser(["image_memory"])
    args = parser.parse_args(["image_memory"])

    assert isinstance(args, argparse.Namespace)
    assert args.cases.split(",") == list(scenario.CASES)
    assert args.target_mb == 200.0
