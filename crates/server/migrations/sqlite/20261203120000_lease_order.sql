-- The order leasing offers a job's open images in: by id, or least certain pre-labels first (issue 14).
ALTER TABLE jobs ADD COLUMN lease_order TEXT NOT NULL DEFAULT 'id' CHECK (lease_order IN ('id', 'uncertain-first'));
-- uncertain-first reads each open image's highest pre-annotation score.
CREATE INDEX pre_annotations_score_by_image ON pre_annotations (image_id, score);
