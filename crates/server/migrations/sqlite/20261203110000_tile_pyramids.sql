-- Tile pyramids of huge images (issue 15): an image above the import's threshold has one, its tiles in the image
-- store at `tiles/<sha256>/<level>/<x>/<y>.jpg` beside `tiles/<sha256>/pyramid.json`. The columns are the
-- pyramid's description, sent with the image's task as `tiles`.
CREATE TABLE tile_pyramids (
    image_id  INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
    tile_size INTEGER NOT NULL CHECK (tile_size > 0),
    levels    INTEGER NOT NULL CHECK (levels > 0),
    width     INTEGER NOT NULL CHECK (width > 0),
    height    INTEGER NOT NULL CHECK (height > 0),
    format    TEXT    NOT NULL DEFAULT 'jpeg' CHECK (format IN ('jpeg'))
);
