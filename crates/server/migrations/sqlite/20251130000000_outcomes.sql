-- What a volunteer says about an image beyond its boxes (issue 3): a typed outcome, a note, the per-box change
-- record for given boxes, and the verdicts of a verify job. Old rows are plain boxed results.
ALTER TABLE submissions ADD COLUMN outcome TEXT NOT NULL DEFAULT 'boxed'
    CHECK (outcome IN ('boxed', 'nothing_to_label', 'image_unreadable', 'unsure'));
ALTER TABLE submissions ADD COLUMN note TEXT;
-- JSON arrays as sent (`changes`: [{origin, annotation, kind}], `verdicts`: [{origin, accepted, reason}]);
-- NULL when the submission had none.
ALTER TABLE submissions ADD COLUMN changes TEXT;
ALTER TABLE submissions ADD COLUMN verdicts TEXT;
