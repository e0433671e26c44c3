"""Renders captchas with the Python library `captcha` (ImageCaptcha, the one most captcha-solving tutorials
train on) and writes each image with the text it shows, for the trainer's foreign-library generators.

ImageCaptcha draws whatever text it is given; the arithmetic ones get expressions in the common web format
("12+7=?"), the text ones 4 to 6 letters and digits. The seed fixes the texts and image sizes; the glyphs'
warps, colours and noise come from Python's `secrets`, which no seed reaches (like the Java libraries that
keep their own random generator), so two runs give the same labels, not the same pixels.
"""
import argparse
import pathlib
import random
import string

from captcha.image import ImageCaptcha


def expression(r):
    op = r.choice("+-*x")
    a, b = r.randint(0, 99), r.randint(0, 9 if op in "*x" else 99)
    return f"{a}{op}{b}" + r.choice(["=?", "=", ""])


def text(r):
    return "".join(r.choice(string.ascii_letters + string.digits) for _ in range(r.randint(4, 6)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="target/foreign")
    parser.add_argument("-n", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=20251127)
    args = parser.parse_args()
    for name, draw in (("pycaptcha-math", expression), ("pycaptcha-text", text)):
        folder = pathlib.Path(args.out, name)
        folder.mkdir(parents=True, exist_ok=True)
        # each generator gets its own seed, so adding one does not change the others' images
        r = random.Random(f"{args.seed}-{name}")
        labels = []
        for i in range(args.n):
            label = draw(r)
            width = r.randint(140, 260)
            image = ImageCaptcha(width=width, height=r.randint(width // 3, width // 2)).generate_image(label)
            file = f"{i:05d}.png"
            image.save(folder / file)
            labels.append(f"{file}\t{label}\n")
        (folder / "labels.tsv").write_text("".join(labels))
        print(f"{name}: {args.n} images in {folder}", flush=True)


if __name__ == "__main__":
    main()
