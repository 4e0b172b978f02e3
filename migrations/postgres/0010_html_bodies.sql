-- Bodies written as HTML rather than Markdown: the posts and comments `quire import-flask`
-- brings from a Flask blog, whose CKEditor stored HTML. They stay HTML (a conversion would
-- change how they look) and go through the same allow-list sanitizer when shown.
-- Kept in step with ../sqlite/0010_html_bodies.sql.
ALTER TABLE posts ADD COLUMN body_format TEXT NOT NULL DEFAULT 'markdown'
    CONSTRAINT posts_body_format_check CHECK (body_format IN ('markdown', 'html'));

-- Comments get the same column, and a longer limit for what is stored: a comment typed in
-- Quire is still held to 5,000 characters by the application, but CKEditor's markup can
-- take an imported comment past that.
ALTER TABLE comments ADD COLUMN body_format TEXT NOT NULL DEFAULT 'markdown'
    CONSTRAINT comments_body_format_check CHECK (body_format IN ('markdown', 'html'));
ALTER TABLE comments DROP CONSTRAINT comments_body_check;
ALTER TABLE comments ADD CONSTRAINT comments_body_check
    CHECK (char_length(body) BETWEEN 1 AND 100000);
