#!/usr/bin/env python3
"""Compares captcha models captcha by captcha, from the readings captcha-trainer/scripts/bench-captcha.sh writes.

Two models measured on different draws differ by the draw as well as by the model; on the same captchas
(bench-captcha.sh keeps every held-out set once drawn) only the captchas one model reads and the other does
not count, and McNemar's exact test says whether their split is more than chance. Prints, per generator, a
Markdown table: each model's accuracy, and against the baseline (--baseline, or the first model in the file)
how many captchas only it / only the baseline reads, with the two-sided p. With three or more models, also
how many captchas every model, some model and no model reads: the captchas no model reads are what a vote
of these models can never get right.

    captcha-trainer/scripts/compare-readings.py [--baseline MODEL] [--models A,B,...] [--answer] [--by-aspect DIR] [READINGS...]

READINGS are readings.tsv files (default .run/bench-captcha/readings.tsv); several runs on the same kept
captchas can be compared together.

--models keeps only these models (say, the single models without the ensembles made of them).

--answer compares on "answer right" (arithmetic: the expression whatever the "=?" ending) instead of the
full string.

--by-aspect DIR also splits each generator's captchas by the image's aspect ratio (width / height; the model's
input is 160 x 48, 3.33), read from the kept images the readings were taken on: DIR is the seed's folder,
captcha-trainer/target/held-out/seed-7001 for the default seed, holding a folder per generator. Per ratio band,
each model's full string and answer right, and for arithmetic the share of readings that left the ending out:
how a model copes with images stretched (narrow ones) or squeezed (wide ones) into its input.

For arithmetic captchas (labels ending in "=", "=?" or "?") a last column counts the readings that are the
label without its ending, the ending as BenchCaptchaService.withoutEnding takes it off: the answer is right,
the full string is not, and the only thing missing is an ending the captcha may have drawn half outside the
image.
"""
import argparse
import math
import os
import re
import signal
import struct
import sys
from collections import OrderedDict


ENDING = re.compile(r"[=?]+$")


def ending_left_out(label, reading):
    """Whether the reading is the label without its ending, the "=" and "?" it ends with."""
    ending = ENDING.search(label)
    return ending is not None and reading == label[:ending.start()]


def mcnemar(only_a, only_b):
    """Two-sided exact p of a split at least this uneven among the discordant captchas, if either is as likely."""
    n = only_a + only_b
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(only_a, only_b) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


ASPECT_BANDS = [(0, 3, "< 3"), (3, 3.5, "3-3.5"), (3.5, 4, "3.5-4"), (4, math.inf, ">= 4")]


def png_size(path):
    """(width, height) from a PNG's header chunk, which comes first."""
    with open(path, "rb") as image:
        header = image.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        sys.exit(f"{path}: not a PNG (the kept captchas are PNGs written by the benchmark)")
    return struct.unpack(">II", header[16:24])


def aspects(folder):
    """{(index, label): width / height} of the kept captchas in folder, as its labels.tsv lists them."""
    ratios = {}
    with open(os.path.join(folder, "labels.tsv"), encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            file, label = line.rstrip("\n").split("\t", 1)
            width, height = png_size(os.path.join(folder, file))
            ratios[(index, label)] = width / height
    return ratios


def print_by_aspect(generator, models, common, folder):
    """Each model's full string (answer) right and ending left out, per aspect-ratio band."""
    try:
        ratios = aspects(folder)
    except OSError as error:
        sys.exit(f"--by-aspect: cannot read {error.filename}: {error.strerror}")
    unknown = sorted(c for c in common if c not in ratios)
    if unknown:
        sys.exit(f"{generator}: {len(unknown)} readings are not of the captchas in {folder}"
                 f" (first: #{unknown[0][0]} {unknown[0][1]}); was the run on another seed?")
    endings = any(ENDING.search(label) for _, label in common)
    print(f"\n{generator} by aspect ratio (width / height; the input is 160 x 48, 3.33):"
          " full string right (answer right)" + (", ending left out" * endings) + "\n")
    print("| aspect ratio (captchas) | " + " | ".join(models) + " |")
    print("|---|" + "---|" * len(models))
    for low, high, name in ASPECT_BANDS:
        band = [c for c in common if low <= ratios[c] < high]
        if not band:
            continue
        cells = []
        for captchas in models.values():
            full = 100 * sum(captchas[c][0] for c in band) / len(band)
            answer = 100 * sum(captchas[c][1] for c in band) / len(band)
            cell = f"{full:.1f} % ({answer:.1f} %)"
            if endings:
                cell += f", {100 * sum(captchas[c][2] for c in band) / len(band):.1f} %"
            cells.append(cell)
        print(f"| {name} ({len(band)}) | " + " | ".join(cells) + " |")


def read(path, results):
    """Adds the file to {generator: {model: {(index, label): (full right, answer right, ending left out)}}}, in the
    file's order."""
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 7:
                sys.exit(f"{path}:{number}: expected 7 tab-separated fields, got {len(fields)}")
            model, generator, index, label, reading, full, answer = fields
            captchas = results.setdefault(generator, OrderedDict()).setdefault(model, {})
            captchas[(int(index), label)] = (full == "true", answer == "true", ending_left_out(label, reading))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("readings", nargs="*", default=[".run/bench-captcha/readings.tsv"])
    parser.add_argument("--baseline", help="the model the others are compared with (default: the first)")
    parser.add_argument("--models", help="only these models, comma-separated (default: every model in the file)")
    parser.add_argument("--answer", action="store_true", help="compare on the answer, not the full string")
    parser.add_argument("--by-aspect", metavar="DIR",
                        help="also split by aspect ratio, read from the kept captchas in DIR/GENERATOR")
    args = parser.parse_args()
    # piped into head: stop quietly
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    column = 1 if args.answer else 0
    measure = "answer right" if args.answer else "full string right"
    results = OrderedDict()
    for path in args.readings:
        try:
            read(path, results)
        except OSError as error:
            sys.exit(f"cannot read {path}: {error.strerror} (run captcha-trainer/scripts/bench-captcha.sh first)")
    if not results:
        sys.exit(f"{' '.join(args.readings)}: no readings")
    for generator, models in results.items():
        if args.models:
            wanted = args.models.split(",")
            missing = [model for model in wanted if model not in models]
            if len(missing) == len(wanted):
                continue
            if missing:
                sys.exit(f"{generator}: no readings of {', '.join(missing)}; models: {', '.join(models)}")
            models = OrderedDict((model, models[model]) for model in wanted)
        baseline = args.baseline or next(iter(models))
        if baseline not in models:
            sys.exit(f"{generator}: no readings of baseline {baseline}; models: {', '.join(models)}")
        # only the captchas every model read: a model measured on more is compared on the common ones
        common = set.intersection(*(set(captchas) for captchas in models.values()))
        endings = any(ENDING.search(label) for _, label in common)
        print(f"\n{generator}: {len(common)} captchas read by all {len(models)} models, {measure}\n")
        print(f"| model | right | only this model | only {baseline} | McNemar p |" + (" ending left out |" * endings))
        print("|---|---|---|---|---|" + ("---|" * endings))
        base = models[baseline]
        for model, captchas in models.items():
            right = sum(captchas[c][column] for c in common)
            cells = f"| {model} | {right} ({100 * right / len(common):.1f} %) |"
            if model == baseline:
                cells += " — | — | — |"
            else:
                only_model = sum(captchas[c][column] and not base[c][column] for c in common)
                only_base = sum(base[c][column] and not captchas[c][column] for c in common)
                cells += f" {only_model} | {only_base} | {mcnemar(only_model, only_base):.3g} |"
            if endings:
                cells += f" {sum(captchas[c][2] for c in common)} |"
            print(cells)
        if len(models) >= 3:
            counts = [sum(captchas[c][column] for captchas in models.values()) for c in common]
            every = sum(n == len(models) for n in counts)
            none = sum(n == 0 for n in counts)
            print(f"\nRead right by every model {every} ({100 * every / len(common):.1f} %), by at least one"
                  f" {len(common) - none} ({100 * (len(common) - none) / len(common):.1f} %), by none {none}"
                  f" ({100 * none / len(common):.1f} %).")
        if args.by_aspect:
            folder = os.path.join(args.by_aspect, generator)
            if os.path.isdir(folder):
                print_by_aspect(generator, models, common, folder)
            else:
                print(f"\n{generator}: no kept captchas in {folder}, not split by aspect ratio")


if __name__ == "__main__":
    main()
