-- The owner's console (issue 10): per-label targets, and review of images (accept, correct, reopen).

-- Objects per label the owner aims for, a JSON object {"label": count}.
ALTER TABLE jobs ADD COLUMN label_targets TEXT NOT NULL DEFAULT '{}';

-- Workers an image needs beyond the job's `workers_per_image`: the owner reopened it for another opinion.
ALTER TABLE images ADD COLUMN extra_workers INTEGER NOT NULL DEFAULT 0 CHECK (extra_workers >= 0);

-- The owner's decision about an image. Both decisions store the final boxes as the owner's submission
-- (`imported = 1`, worker "owner"), which makes the image done and is what every export gives for it.
CREATE TABLE reviews (
    image_id      INTEGER PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
    state         TEXT    NOT NULL CHECK (state IN ('accepted', 'corrected')),
    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    reviewed_at   INTEGER NOT NULL
);

-- `done` now also counts the workers a reopened image still needs.
DROP TRIGGER images_done_follows_counts;
CREATE TRIGGER images_done_follows_counts AFTER UPDATE OF submission_count, has_final, extra_workers ON images
BEGIN
    UPDATE images SET done = (
        NEW.has_final = 1
        OR NEW.submission_count
            >= (SELECT j.workers_per_image FROM jobs j WHERE j.id = NEW.job_id) + NEW.extra_workers
    )
    WHERE id = NEW.id;
END;

DROP TRIGGER jobs_workers_per_image_changed;
CREATE TRIGGER jobs_workers_per_image_changed AFTER UPDATE OF workers_per_image ON jobs
BEGIN
    UPDATE images SET done = (has_final = 1 OR submission_count >= NEW.workers_per_image + extra_workers)
    WHERE job_id = NEW.id;
END;
