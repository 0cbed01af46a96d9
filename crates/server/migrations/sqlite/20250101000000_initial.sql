-- crowdbox's first schema. Times are unix milliseconds (INTEGER). Image ids double as task ids.

CREATE TABLE jobs (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE CHECK (length(name) > 0),
    instructions      TEXT    NOT NULL DEFAULT '',
    -- How many different workers box each image before it counts as done.
    workers_per_image INTEGER NOT NULL DEFAULT 1 CHECK (workers_per_image >= 1),
    -- How many tasks one lease request hands out at most.
    batch_size        INTEGER NOT NULL DEFAULT 5 CHECK (batch_size >= 1),
    -- How long a worker keeps a leased task before it goes back to the pool.
    lease_seconds     INTEGER NOT NULL DEFAULT 1800 CHECK (lease_seconds >= 1),
    created_at        INTEGER NOT NULL
);

-- A job's labels, exported as COCO categories with ids 1..n in the order they were given.
CREATE TABLE labels (
    job_id      INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL CHECK (category_id >= 1),
    name        TEXT    NOT NULL CHECK (length(name) > 0),
    PRIMARY KEY (job_id, category_id),
    UNIQUE (job_id, name)
);

CREATE TABLE images (
    id         INTEGER PRIMARY KEY,
    job_id     INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    -- The file name it was imported from (what COCO's file_name reports).
    file_name  TEXT    NOT NULL,
    sha256     TEXT    NOT NULL CHECK (length(sha256) = 64),
    -- Path of the bytes relative to the image store folder, e.g. "ab/ab12....jpg".
    store_path TEXT    NOT NULL,
    mime       TEXT    NOT NULL,
    -- Display size in pixels, after EXIF orientation: what a browser shows and what boxes refer to.
    width      INTEGER NOT NULL CHECK (width > 0),
    height     INTEGER NOT NULL CHECK (height > 0),
    added_at   INTEGER NOT NULL,
    UNIQUE (job_id, sha256)
);
CREATE INDEX images_by_job ON images (job_id, id);

-- A worker's claim on an image until expires_at. Removed when that worker submits the image; expired rows count
-- for nothing and are replaced when the image is leased again.
CREATE TABLE leases (
    image_id   INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    worker_id  TEXT    NOT NULL,
    leased_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (image_id, worker_id)
);
CREATE INDEX leases_by_worker ON leases (worker_id, expires_at);

CREATE TABLE submissions (
    id             INTEGER PRIMARY KEY,
    -- The client's idempotency key.
    submission_id  TEXT    NOT NULL UNIQUE,
    image_id       INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    worker_id      TEXT    NOT NULL,
    -- SHA-256 of the canonical JSON of the request, to tell a replay from a reused id.
    content_sha256 TEXT    NOT NULL,
    duration_ms    INTEGER,
    received_at    INTEGER NOT NULL,
    -- A worker boxes an image at most once.
    UNIQUE (image_id, worker_id)
);

-- Boxes in natural image pixels (COCO [x, y, w, h], top-left origin), clipped to the image.
CREATE TABLE annotations (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    image_id      INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    category_id   INTEGER NOT NULL CHECK (category_id >= 1),
    x             REAL    NOT NULL,
    y             REAL    NOT NULL,
    w             REAL    NOT NULL CHECK (w > 0),
    h             REAL    NOT NULL CHECK (h > 0)
);
CREATE INDEX annotations_by_image ON annotations (image_id, id);
CREATE INDEX annotations_by_submission ON annotations (submission_id);
