#!/usr/bin/env python3
"""Builds a large Flask course blog (SQLite) for benchmarking `quire import-flask`.

    python3 bench/flask_dataset.py OUT.db --posts 5000 --users 1000 --comments 20000

Written by the same Flask-SQLAlchemy models as the importer's fixtures
(server/tests/fixtures/flask/blog.py), so it must run in a virtual environment that has
server/tests/fixtures/flask/requirements.txt installed:

    python3 -m venv /tmp/flaskvenv
    /tmp/flaskvenv/bin/pip install -r server/tests/fixtures/flask/requirements.txt
    /tmp/flaskvenv/bin/python bench/flask_dataset.py /tmp/flask-large.db

Passwords are real Werkzeug hashes, but hashing every user at 1,000,000 pbkdf2 iterations would
take minutes, so a handful are computed once and cycled. Content comes from a seeded RNG: the
same arguments give the same rows (apart from the salts). User 1 is the admin, who writes most
posts as in the course (its admin_only decorator); comments fall on random posts, favouring
recent ones, by random users. Progress goes to stderr.
"""

import argparse
import datetime
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "server", "tests", "fixtures", "flask"))

import blog  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

CHUNK = 1000
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
FIRST = ["Ada", "Ben", "Chloé", "Dev", "Eun-ji", "Femi", "Greta", "Hiro", "Inès", "Jon", "Kai",
         "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq"]
LAST = ["Abbott", "Brennan", "Castro", "Dubois", "Eriksen", "Fujita", "García", "Haddad",
        "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor"]
ADJ = ["Quiet", "Patient", "Unexpected", "Small", "Curious", "Slow", "Bright", "Stubborn",
       "Hidden", "Ordinary", "Brief", "Careful", "Wild", "Gentle", "Lost"]
NOUN = ["Cactus", "Garden", "River", "Kitchen", "Library", "Mountain", "Recipe", "Bicycle",
        "Notebook", "Harbour", "Orchard", "Lantern", "Workshop", "Meadow", "Compass"]
WORDS = ("the a of and to in that it with as for was on are be this have from or one had by "
         "but not what all were when we there can an your which their said if do will each "
         "about how up out them then she many some so these would other into has more her "
         "two like him see time could no make than first been its who now people my made over "
         "did down only way find use may water long little very after words called just where "
         "most know garden cactus patience season light river morning bread journey").split()


def sentence(rng, lo=8, hi=18):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    text = " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
    # Sprinkle the inline markup CKEditor emits.
    a, b = sorted(rng.sample(range(len(text.split())), 2))
    words = text.split()
    words[a] = f"<strong>{words[a]}</strong>"
    words[b] = f"<em>{words[b]}</em>"
    text = " ".join(words)
    if rng.random() < 0.3:  # a double space typed after a full stop
        text = text.replace(". ", ".&nbsp; ", 1)
    return f"<p>{text}</p>"


def body(rng, target=3000):
    """About `target` bytes of CKEditor 4 output: CRLF-separated blocks, tab-indented lists."""
    blocks = [f"<h2>{sentence(rng, 3, 6)[:-1]}</h2>"]
    while sum(len(b) for b in blocks) < target:
        roll = rng.random()
        if roll < 0.7:
            blocks.append(paragraph(rng))
        elif roll < 0.8:
            items = "".join(f"\r\n\t<li>{sentence(rng, 3, 8)}</li>" for _ in range(rng.randint(2, 5)))
            blocks.append(f"<ul>{items}\r\n</ul>")
        elif roll < 0.87:
            blocks.append(f"<blockquote>\r\n<p>{sentence(rng)}</p>\r\n</blockquote>")
        elif roll < 0.94:
            blocks.append(f'<p><a href="https://example.com/{rng.randrange(10**6)}">{sentence(rng, 2, 4)[:-1]}</a></p>')
        else:
            blocks.append(f'<p><img alt="{sentence(rng, 2, 4)[:-1]}" src="https://images.unsplash.com/photo-{rng.randrange(10**9)}" '
                          f'style="height:300px; width:450px" /></p>')
    return "\r\n\r\n".join(blocks) + "\r\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="the SQLite file to write (replaced if it exists)")
    ap.add_argument("--posts", type=int, default=5000)
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--comments", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=67)
    args = ap.parse_args()
    if args.users < 1 or args.posts < 1:
        ap.error("--users and --posts must be at least 1")

    started = time.monotonic()

    def progress(msg):
        print(f"[{time.monotonic() - started:6.1f}s] {msg}", file=sys.stderr, flush=True)

    out = os.path.abspath(args.out)
    for path in (out, out + "-journal"):
        if os.path.exists(path):
            os.remove(path)
    rng = random.Random(args.seed)
    app, db, m = blog.create_app(f"sqlite:///{out}")

    # The hash kinds an importer meets: the course's call (pbkdf2:sha256, 1,000,000
    # iterations under Werkzeug 3.1), the scrypt default, and an older 600,000-iteration one.
    hashes = [
        generate_password_hash("bench-pass", method="pbkdf2:sha256", salt_length=8),
        generate_password_hash("bench-pass"),
        generate_password_hash("bench-pass", method="pbkdf2:sha256:600000", salt_length=8),
    ]
    progress(f"hashed {len(hashes)} passwords (all 'bench-pass'), cycled over the users")

    def in_chunks(total, make, what):
        for start in range(0, total, CHUNK):
            db.session.add_all([make(i) for i in range(start, min(start + CHUNK, total))])
            db.session.commit()
            db.session.expunge_all()  # keep memory flat
            progress(f"{what}: {min(start + CHUNK, total)}/{total}")

    with app.app_context():
        db.create_all()
        in_chunks(args.users, lambda i: m.User(
            name="Admin" if i == 0 else f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            email=f"user{i + 1}@bench.test",
            password=hashes[i % len(hashes)],
        ), "users")

        # Dates advance with the ids over six years from 2019, in the course's
        # strftime("%B %d, %Y") form (month names spelled out here: no locale involved).
        seen = {}

        def make_post(i):
            base = f"The {rng.choice(ADJ)} {rng.choice(NOUN)} and the {rng.choice(NOUN)}"
            seen[base] = seen.get(base, 0) + 1
            title = base if seen[base] == 1 else f"{base}, part {seen[base]}"
            when = datetime.date(2019, 1, 1) + datetime.timedelta(days=i * 6 * 365 // args.posts)
            date = f"{MONTHS[when.month - 1]} {when.day:02d}, {when.year}"
            author = 1 if rng.random() < 0.95 else rng.randint(1, args.users)
            return m.BlogPost(title=title, subtitle=sentence(rng, 4, 9)[:-1], date=date,
                              body=body(rng), img_url=f"https://images.unsplash.com/photo-{rng.randrange(10**9)}",
                              author_id=author)

        in_chunks(args.posts, make_post, "posts")

        def make_comment(_):
            # Newer posts draw more comments: max of two uniform draws skews towards the end.
            post = max(rng.randint(1, args.posts), rng.randint(1, args.posts))
            return m.Comment(text=paragraph(rng), author_id=rng.randint(1, args.users), post_id=post)

        in_chunks(args.comments, make_comment, "comments")
        db.session.close()
        db.engine.dispose()

    progress(f"wrote {out} ({os.path.getsize(out) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
