-- Images a detector has been run over (`crowdbox prelabel`), also those where it found nothing, so a later run
-- without --replace skips them instead of running the model on them again (issue 14).
ALTER TABLE images ADD COLUMN prelabelled INTEGER NOT NULL DEFAULT 0 CHECK (prelabelled IN (0, 1));
UPDATE images SET prelabelled = 1 WHERE id IN (SELECT image_id FROM pre_annotations WHERE score IS NOT NULL);
