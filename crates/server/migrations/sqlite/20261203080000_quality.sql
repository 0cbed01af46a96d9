-- Quality control: gold images and their known boxes, each gold submission's score, each worker's agreement
-- with the others per image, blocked workers, and adaptive redundancy's verdict per image.

-- The job's JobQuality settings (crowdbox_core::quality), as JSON; '{}' reads as the defaults.
ALTER TABLE jobs ADD COLUMN quality TEXT NOT NULL DEFAULT '{}';

-- Gold images are mixed into batches to score workers; they are never done and count in no progress.
ALTER TABLE images ADD COLUMN is_gold INTEGER NOT NULL DEFAULT 0 CHECK (is_gold IN (0, 1));
-- Adaptive redundancy: 1 once the image's counted workers agree (set by the server after each change).
ALTER TABLE images ADD COLUMN agreed INTEGER NOT NULL DEFAULT 0 CHECK (agreed IN (0, 1));
CREATE INDEX images_gold ON images (job_id, id) WHERE is_gold = 1;

CREATE TABLE gold_boxes (
    id          INTEGER PRIMARY KEY,
    image_id    INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL CHECK (category_id >= 1),
    x           REAL    NOT NULL,
    y           REAL    NOT NULL,
    w           REAL    NOT NULL CHECK (w > 0),
    h           REAL    NOT NULL CHECK (h > 0),
    iscrowd     INTEGER NOT NULL DEFAULT 0 CHECK (iscrowd IN (0, 1))
);
CREATE INDEX gold_boxes_by_image ON gold_boxes (image_id, id);

-- One row per (gold image, worker): crowdbox_core::quality::MatchCounts of their submission.
CREATE TABLE gold_results (
    image_id        INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    job_id          INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    worker_id       TEXT    NOT NULL,
    submitted       INTEGER NOT NULL,
    reference       INTEGER NOT NULL,
    matched         INTEGER NOT NULL,
    matched_iou_sum REAL    NOT NULL,
    PRIMARY KEY (image_id, worker_id)
);
CREATE INDEX gold_results_by_worker ON gold_results (job_id, worker_id);

-- One row per (image, counted worker) once two or more counted workers boxed it: the worker's agreement with
-- the others' weighted consolidation.
CREATE TABLE agreement (
    image_id        INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    job_id          INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    worker_id       TEXT    NOT NULL,
    submitted       INTEGER NOT NULL,
    reference       INTEGER NOT NULL,
    matched         INTEGER NOT NULL,
    matched_iou_sum REAL    NOT NULL,
    PRIMARY KEY (image_id, worker_id)
);
CREATE INDEX agreement_by_worker ON agreement (job_id, worker_id);

CREATE TABLE blocked_workers (
    job_id     INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    worker_id  TEXT    NOT NULL,
    blocked_at INTEGER NOT NULL,
    score      REAL    NOT NULL,
    PRIMARY KEY (job_id, worker_id)
);

CREATE INDEX submissions_by_worker ON submissions (worker_id, image_id);

-- An image's submission_count counts the submissions that count: a blocked worker's no longer do.
DROP TRIGGER submissions_count_insert;
CREATE TRIGGER submissions_count_insert AFTER INSERT ON submissions
BEGIN
    UPDATE images SET
        submission_count = (SELECT COUNT(*) FROM submissions s WHERE s.image_id = NEW.image_id
            AND NOT EXISTS (SELECT 1 FROM blocked_workers b
                            WHERE b.job_id = images.job_id AND b.worker_id = s.worker_id)),
        has_final = EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = NEW.image_id AND s.imported = 1)
    WHERE id = NEW.image_id;
END;

DROP TRIGGER submissions_count_delete;
CREATE TRIGGER submissions_count_delete AFTER DELETE ON submissions
BEGIN
    UPDATE images SET
        submission_count = (SELECT COUNT(*) FROM submissions s WHERE s.image_id = OLD.image_id
            AND NOT EXISTS (SELECT 1 FROM blocked_workers b
                            WHERE b.job_id = images.job_id AND b.worker_id = s.worker_id)),
        has_final = EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = OLD.image_id AND s.imported = 1)
    WHERE id = OLD.image_id;
END;

DROP TRIGGER submissions_count_update;
CREATE TRIGGER submissions_count_update AFTER UPDATE OF image_id, imported ON submissions
BEGIN
    UPDATE images SET
        submission_count = (SELECT COUNT(*) FROM submissions s WHERE s.image_id = images.id
            AND NOT EXISTS (SELECT 1 FROM blocked_workers b
                            WHERE b.job_id = images.job_id AND b.worker_id = s.worker_id)),
        has_final = EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = images.id AND s.imported = 1)
    WHERE id IN (OLD.image_id, NEW.image_id);
END;

-- Done: an imported final, enough counted workers, or (adaptive jobs) agreement; gold images never.
DROP TRIGGER images_done_follows_counts;
CREATE TRIGGER images_done_follows_counts AFTER UPDATE OF submission_count, has_final, extra_workers, agreed
    ON images
BEGIN
    UPDATE images SET done = (
        NEW.is_gold = 0 AND (
            NEW.has_final = 1
            OR NEW.agreed = 1
            OR NEW.submission_count
                >= (SELECT j.workers_per_image FROM jobs j WHERE j.id = NEW.job_id) + NEW.extra_workers)
    )
    WHERE id = NEW.id;
END;

DROP TRIGGER jobs_workers_per_image_changed;
CREATE TRIGGER jobs_workers_per_image_changed AFTER UPDATE OF workers_per_image ON jobs
BEGIN
    UPDATE images SET done = (
        is_gold = 0 AND (has_final = 1 OR agreed = 1 OR submission_count >= NEW.workers_per_image + extra_workers)
    )
    WHERE job_id = NEW.id;
END;

-- The job's image counts leave gold images out.
DROP TRIGGER images_total_insert;
CREATE TRIGGER images_total_insert AFTER INSERT ON images
BEGIN
    UPDATE jobs SET images_total = images_total + 1 - NEW.is_gold, images_done = images_done + NEW.done
    WHERE id = NEW.job_id;
END;

DROP TRIGGER images_total_delete;
CREATE TRIGGER images_total_delete AFTER DELETE ON images
BEGIN
    UPDATE jobs SET images_total = images_total - 1 + OLD.is_gold, images_done = images_done - OLD.done
    WHERE id = OLD.job_id;
END;

DROP TRIGGER images_done_changed;
CREATE TRIGGER images_done_changed AFTER UPDATE OF done, job_id ON images
    WHEN OLD.done IS NOT NEW.done OR OLD.job_id IS NOT NEW.job_id
BEGIN
    UPDATE jobs SET images_total = images_total - 1 + OLD.is_gold, images_done = images_done - OLD.done
    WHERE id = OLD.job_id;
    UPDATE jobs SET images_total = images_total + 1 - NEW.is_gold, images_done = images_done + NEW.done
    WHERE id = NEW.job_id;
END;
