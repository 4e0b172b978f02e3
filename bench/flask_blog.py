"""The Flask course blog, served, for the benchmark's baseline rows: the pages Quire replaces,
rendered by the stack it replaces (Flask, Flask-SQLAlchemy, Flask-Login, Jinja) under gunicorn.

The models are the importer's fixtures' (server/tests/fixtures/flask/blog.py, the course's
final schema); the views and templates follow the course's shape: a home page listing every
post ("Posted by NAME on DATE"), a post page with its body as HTML and its comments with
Gravatar images, a login form, and the navigation that changes when logged in.

    python flask_blog.py seed DB_PATH_OR_URL --posts 50 --comments 20 --body-bytes 3000
    FLASK_BLOG_DB=sqlite:////abs/path.db gunicorn -w 2 flask_blog:app
    FLASK_BLOG_DB=postgresql+psycopg2://postgres@127.0.0.1:5432/NAME gunicorn -w 2 flask_blog:app

Seeding writes user 1 (the admin, who writes the posts) and a reader, reader@example.com with
the password "reader passphrase", who wrote the comments on the newest post.
"""

import argparse
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "server", "tests", "fixtures", "flask"))

import blog  # noqa: E402
from flask import redirect, render_template, request, url_for  # noqa: E402
from flask_login import LoginManager, current_user, login_user, logout_user  # noqa: E402
from jinja2 import DictLoader  # noqa: E402
from werkzeug.security import check_password_hash, generate_password_hash  # noqa: E402

READER = ("reader@example.com", "reader passphrase")

TEMPLATES = {
    "base.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}Blog{% endblock %}</title>
<link rel="stylesheet" href="/static/styles.css"></head>
<body>
<nav class="navbar"><a class="brand" href="{{ url_for('home') }}">Blog</a><ul>
<li><a href="{{ url_for('home') }}">Home</a></li>
{% if not current_user.is_authenticated %}
<li><a href="{{ url_for('login') }}">Login</a></li><li><a href="/register">Register</a></li>
{% else %}<li><a href="{{ url_for('logout') }}">Log Out</a></li>{% endif %}
<li><a href="/about">About</a></li><li><a href="/contact">Contact</a></li></ul></nav>
{% block content %}{% endblock %}
<footer><p>Copyright &copy; Your Website {{ year }}</p></footer>
</body></html>""",
    "index.html": """{% extends "base.html" %}{% block content %}
<header class="masthead"><h1>Clean Blog</h1><span class="subheading">A collection of random musings.</span></header>
<main class="container">
{% for post in all_posts %}
<div class="post-preview"><a href="{{ url_for('show_post', post_id=post.id) }}">
<h2 class="post-title">{{ post.title }}</h2><h3 class="post-subtitle">{{ post.subtitle }}</h3></a>
<p class="post-meta">Posted by <a href="#">{{ post.author.name }}</a> on {{ post.date }}
{% if current_user.id == 1 %}<a href="{{ url_for('home') }}">✘</a>{% endif %}</p></div><hr>
{% endfor %}
</main>{% endblock %}""",
    "post.html": """{% extends "base.html" %}{% block title %}{{ post.title }}{% endblock %}
{% block content %}
<header class="masthead" style="background-image: url('{{ post.img_url }}')">
<h1>{{ post.title }}</h1><h2 class="subheading">{{ post.subtitle }}</h2>
<span class="meta">Posted by <a href="#">{{ post.author.name }}</a> on {{ post.date }}</span></header>
<article><div class="container">{{ post.body|safe }}
{% if current_user.is_authenticated %}
<form method="post"><label for="comment_text">Comment</label>
<textarea id="comment_text" name="comment_text"></textarea><button>Submit Comment</button></form>
{% endif %}
<div class="comment"><ul class="commentList">
{% for comment in post.comments %}
<li><div class="commenterImage"><img src="{{ gravatar(comment.comment_author.email) }}" alt=""></div>
<div class="commentText">{{ comment.text|safe }}<span class="sub-text">{{ comment.comment_author.name }}</span></div></li>
{% endfor %}
</ul></div></div></article>{% endblock %}""",
    "login.html": """{% extends "base.html" %}{% block content %}
<main class="container"><h1>Log In</h1>
{% if error %}<p class="flash">{{ error }}</p>{% endif %}
<form method="post"><label for="email">Email</label><input id="email" name="email" type="email">
<label for="password">Password</label><input id="password" name="password" type="password">
<button>Let Me In!</button></form></main>{% endblock %}""",
}


def gravatar(email, size=100):
    digest = hashlib.md5(email.strip().lower().encode()).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}?s={size}&d=retro&r=g"


def make_app(db_uri):
    app, db, models = blog.create_app(db_uri)
    app.config["SECRET_KEY"] = os.environ.get("FLASK_BLOG_SECRET", "bench only, not a secret")
    app.jinja_loader = DictLoader(TEMPLATES)
    login_manager = LoginManager(app)

    @login_manager.user_loader
    def load_user(user_id):
        return db.get_or_404(models.User, int(user_id))

    @app.context_processor
    def helpers():
        return {"gravatar": gravatar, "year": 2026}

    @app.route("/")
    def home():
        posts = db.session.execute(db.select(models.BlogPost)).scalars().all()
        return render_template("index.html", all_posts=posts)

    @app.route("/post/<int:post_id>")
    def show_post(post_id):
        post = db.get_or_404(models.BlogPost, post_id)
        return render_template("post.html", post=post)

    @app.route("/login", methods=["GET", "POST"])
    def login():
        error = None
        if request.method == "POST":
            user = db.session.execute(
                db.select(models.User).where(models.User.email == request.form["email"])
            ).scalar()
            if user and check_password_hash(user.password, request.form["password"]):
                login_user(user)
                return redirect(url_for("home"))
            error = "Password incorrect, please try again."
        return render_template("login.html", error=error)

    @app.route("/logout")
    def logout():
        logout_user()
        return redirect(url_for("home"))

    @app.route("/healthz")
    def healthz():
        return "ok"

    @app.errorhandler(404)
    def not_found(_):
        return "Not found", 404

    return app, db, models


def course_hash(password):
    """The course's own call: its String(100) column refuses Werkzeug's default (scrypt, 162
    characters) on PostgreSQL."""
    return generate_password_hash(password, method="pbkdf2:sha256", salt_length=8)


def seed(path, posts, comments, body_bytes):
    """Seeds a SQLite file at `path`, or the database a `postgresql+psycopg2://` URL names."""
    url = path if "://" in path else f"sqlite:///{os.path.abspath(path)}"
    app, db, models = make_app(url)
    paragraph = ("<p>The garden in the morning light is <strong>quiet</strong>, and the "
                 "river keeps its patient time beside the old kitchen wall.</p>")
    body = paragraph * max(1, body_bytes // len(paragraph))
    with app.app_context():
        db.create_all()
        admin = models.User(email="admin@example.com", name="Admin",
                            password=course_hash("admin passphrase"))
        reader = models.User(email=READER[0], name="Reader",
                             password=course_hash(READER[1]))
        db.session.add_all([admin, reader])
        db.session.flush()
        for n in range(1, posts + 1):
            db.session.add(models.BlogPost(
                author_id=admin.id, title=f"Post {n}", subtitle=f"The subtitle of post {n}",
                date="August 24, 2024", body=body, img_url="https://example.com/cover.jpg"))
        db.session.flush()
        for n in range(comments):
            db.session.add(models.Comment(text=f"<p>Comment {n}: well said.</p>",
                                          author_id=reader.id, post_id=posts))
        db.session.commit()


if os.environ.get("FLASK_BLOG_DB"):
    app, _, _ = make_app(os.environ["FLASK_BLOG_DB"])

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    seeding = sub.add_parser("seed")
    seeding.add_argument("path")
    seeding.add_argument("--posts", type=int, default=50)
    seeding.add_argument("--comments", type=int, default=20)
    seeding.add_argument("--body-bytes", type=int, default=3000)
    parsed = parser.parse_args()
    seed(parsed.path, parsed.posts, parsed.comments, parsed.body_bytes)
