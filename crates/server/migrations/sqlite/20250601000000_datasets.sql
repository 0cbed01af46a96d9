-- Jobs with a mode and examples, remote images, pre-annotations and imported final annotations (issue 4).

-- What workers do: draw boxes from scratch, adjust pre-annotations, or verify them.
ALTER TABLE jobs ADD COLUMN mode TEXT NOT NULL DEFAULT 'draw' CHECK (mode IN ('draw', 'adjust', 'verify'));
-- Whether the app may start a task with the boxes the worker drew on the previous image.
ALTER TABLE jobs ADD COLUMN allow_carry_forward INTEGER NOT NULL DEFAULT 0 CHECK (allow_carry_forward IN (0, 1));
-- Example images for the instructions: a JSON array of {"kind": "good"|"bad", "src": path or URL, "caption"}.
ALTER TABLE jobs ADD COLUMN examples TEXT NOT NULL DEFAULT '[]';

-- An image that stays where it is (an http(s) URL from a Ground Truth manifest) instead of in the image store.
-- For such rows `sha256` hashes the URL, `store_path` and `mime` are empty and the size came from the manifest.
ALTER TABLE images ADD COLUMN source_url TEXT;

-- 1 for a submission made by `crowdbox import --as final`: its boxes are final and the image counts as done.
ALTER TABLE submissions ADD COLUMN imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));

-- Boxes imported with `--as pre`: shown to workers as the task's initial boxes, natural image pixels.
CREATE TABLE pre_annotations (
    id          INTEGER PRIMARY KEY,
    image_id    INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL CHECK (category_id >= 1),
    x           REAL    NOT NULL,
    y           REAL    NOT NULL,
    w           REAL    NOT NULL CHECK (w > 0),
    h           REAL    NOT NULL CHECK (h > 0),
    iscrowd     INTEGER NOT NULL DEFAULT 0 CHECK (iscrowd IN (0, 1))
);
CREATE INDEX pre_annotations_by_image ON pre_annotations (image_id, id);

-- Imported final boxes may be crowds; worker boxes never are.
ALTER TABLE annotations ADD COLUMN iscrowd INTEGER NOT NULL DEFAULT 0 CHECK (iscrowd IN (0, 1));
