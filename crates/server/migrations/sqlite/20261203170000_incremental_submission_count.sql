-- A new submission adds one to its image's counted submissions unless its worker is blocked, and makes the image
-- have a final answer when it is an imported one: the same numbers the full recount of migration `quality` gave
-- (every other change to submissions or to blocked workers still recounts), without reading the image's other
-- submissions on the hot path of every submit.
DROP TRIGGER submissions_count_insert;
CREATE TRIGGER submissions_count_insert AFTER INSERT ON submissions
BEGIN
    UPDATE images SET
        submission_count = submission_count + NOT EXISTS (SELECT 1 FROM blocked_workers b
                                                          WHERE b.job_id = images.job_id AND b.worker_id = NEW.worker_id),
        has_final = has_final OR NEW.imported = 1
    WHERE id = NEW.image_id;
END;
