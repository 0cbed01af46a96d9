-- Per-image and per-job progress kept up to date by triggers (issue 4's load target), so leasing and progress
-- never count a job's submissions image by image. Triggers (rather than the request code) keep them right for
-- every writer: worker submissions, `crowdbox import --as final`, changes of `workers_per_image`, and deletes.

-- How many submissions the image has, whether one of them is an imported final one, and whether the image is
-- done: `submission_count >= jobs.workers_per_image OR has_final` (the same rule as `jobs::IMAGE_DONE_SQL`).
ALTER TABLE images ADD COLUMN submission_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN has_final INTEGER NOT NULL DEFAULT 0 CHECK (has_final IN (0, 1));
ALTER TABLE images ADD COLUMN done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1));

-- How many images the job has and how many of them are done.
ALTER TABLE jobs ADD COLUMN images_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN images_done INTEGER NOT NULL DEFAULT 0;

-- Existing data.
UPDATE images SET
    submission_count = (SELECT COUNT(*) FROM submissions s WHERE s.image_id = images.id),
    has_final = EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = images.id AND s.imported = 1);
UPDATE images SET done = (
    has_final = 1
    OR submission_count >= (SELECT j.workers_per_image FROM jobs j WHERE j.id = images.job_id)
);
UPDATE jobs SET
    images_total = (SELECT COUNT(*) FROM images i WHERE i.job_id = jobs.id),
    images_done = (SELECT COUNT(*) FROM images i WHERE i.job_id = jobs.id AND i.done = 1);

-- The leasing scan: a job's open images in id order.
CREATE INDEX images_open ON images (job_id, done, id);

-- Recounts one image from its submissions (a handful of rows, found through UNIQUE (image_id, worker_id)).
CREATE TRIGGER submissions_count_insert AFTER INSERT ON submissions
BEGIN
    UPDATE images SET
        submission_count = (SELECT COUNT(*) FROM submissions s WHERE s.image_id = NEW.image_id),
        has_final = EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = NEW.image_id AND s.imported = 1)
    WHERE id = NEW.image_id;
END;

CREATE TRIGGER submissions_count_delete AFTER DELETE ON submissions
BEGIN
    UPDATE images SET
        submission_count = (SELECT COUNT(*) FROM submissions s WHERE s.image_id = OLD.image_id),
        has_final = EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = OLD.image_id AND s.imported = 1)
    WHERE id = OLD.image_id;
END;

CREATE TRIGGER submissions_count_update AFTER UPDATE OF image_id, imported ON submissions
BEGIN
    UPDATE images SET
        submission_count = (SELECT COUNT(*) FROM submissions s WHERE s.image_id = images.id),
        has_final = EXISTS (SELECT 1 FROM submissions s WHERE s.image_id = images.id AND s.imported = 1)
    WHERE id IN (OLD.image_id, NEW.image_id);
END;

-- `done` follows the counts and the job's workers_per_image.
CREATE TRIGGER images_done_follows_counts AFTER UPDATE OF submission_count, has_final ON images
BEGIN
    UPDATE images SET done = (
        NEW.has_final = 1
        OR NEW.submission_count >= (SELECT j.workers_per_image FROM jobs j WHERE j.id = NEW.job_id)
    )
    WHERE id = NEW.id;
END;

CREATE TRIGGER jobs_workers_per_image_changed AFTER UPDATE OF workers_per_image ON jobs
BEGIN
    UPDATE images SET done = (has_final = 1 OR submission_count >= NEW.workers_per_image)
    WHERE job_id = NEW.id;
END;

-- The job's counters follow its images.
CREATE TRIGGER images_total_insert AFTER INSERT ON images
BEGIN
    UPDATE jobs SET images_total = images_total + 1, images_done = images_done + NEW.done WHERE id = NEW.job_id;
END;

CREATE TRIGGER images_total_delete AFTER DELETE ON images
BEGIN
    UPDATE jobs SET images_total = images_total - 1, images_done = images_done - OLD.done WHERE id = OLD.job_id;
END;

CREATE TRIGGER images_done_changed AFTER UPDATE OF done, job_id ON images
    WHEN OLD.done IS NOT NEW.done OR OLD.job_id IS NOT NEW.job_id
BEGIN
    UPDATE jobs SET images_total = images_total - 1, images_done = images_done - OLD.done WHERE id = OLD.job_id;
    UPDATE jobs SET images_total = images_total + 1, images_done = images_done + NEW.done WHERE id = NEW.job_id;
END;
